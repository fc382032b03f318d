"""The action sheet: one action's description, partners and indicators, as Markdown and as a printable page."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from sqlmodel import Session, select

from maillage.accounts.access import Actor
from maillage.actions.access import visible_action
from maillage.actions.editing import LIST_TABLES
from maillage.actions.indicators import (
    INDICATOR_FIELDS,
    IndicatorRow,
    action_indicators,
)
from maillage.actions.status import effective_status, needs_review
from maillage.actions.territories import territory_label
from maillage.core.formatting import (
    format_date,
    format_decimal,
    format_euros,
    format_int,
)
from maillage.core.printable import (
    PRINT_BUTTON_STYLE,
    PRINT_SCRIPT,
    PRINT_SCRIPT_HASH,
    RESPONSIVE_STYLE,
)
from maillage.core.printable import print_button as print_button_html
from maillage.core.text import fold, md
from maillage.partners.choices import partner_labels
from maillage.vocabularies.store import Vocabularies
from models import ActionPartner, Council, Partner, Territory


@dataclass(frozen=True)
class SheetPartner:
    """A partner of the action with its roles (French labels)."""

    name: str
    typology: str
    roles: list[str]


@dataclass
class ActionSheet:
    """Everything the sheet shows, already in French."""

    id: int
    title: str
    council: str
    action_type: str
    status: str
    needs_review: bool
    start_date: dt.date
    end_date: dt.date | None
    territories: list[str]
    themes: list[str]
    publics: list[str]
    mode: str
    platforms: list[str]
    weekly_hours: float | None
    budget_eur: float | None
    fundings: list[str]
    shared: bool
    notes: str
    evaluation: str
    partners: list[SheetPartner]
    indicators: list[IndicatorRow]
    as_of: dt.date
    version: int

    @property
    def period(self) -> str:
        """`depuis le 07/01/2019` or `du 01/03/2021 au 30/06/2022`."""
        if self.end_date is None:
            return f"depuis le {format_date(self.start_date)}"
        return f"du {format_date(self.start_date)} au {format_date(self.end_date)}"

    def facts(self) -> list[tuple[str, str]]:
        """The description as (French heading, value) lines, empty ones left out."""
        lines = [
            ("Instance", self.council),
            ("Type d'action", self.action_type),
            ("Statut", self.status + (" (à revoir : la date de fin est passée)" if self.needs_review else "")),
            ("Période", self.period),
            ("Territoires", ", ".join(self.territories)),
            ("Publics", ", ".join(self.publics)),
            ("Thèmes", ", ".join(self.themes)),
            ("Modalité", self.mode + (f" ({', '.join(self.platforms)})" if self.platforms else "")),
            ("Heures par semaine", format_decimal(self.weekly_hours) + " h" if self.weekly_hours is not None else ""),
            ("Budget", format_euros(self.budget_eur) if self.budget_eur is not None else ""),
            ("Financements", ", ".join(self.fundings)),
            ("Partagée avec les réseaux", "oui" if self.shared else "non"),
        ]
        return [(heading, value) for heading, value in lines if value]


def action_sheet(session: Session, actor: Actor, action_id: int, as_of: dt.date | None = None) -> ActionSheet:
    """The sheet of an action the actor may see."""
    as_of = as_of or dt.date.today()
    action = visible_action(session, actor, action_id)
    vocab = Vocabularies.load(session)
    lists = {name: list(session.exec(select(getattr(model, column)).where(model.action_id == action.id)).all())
             for name, (model, column) in LIST_TABLES.items()}
    territories = session.exec(select(Territory).where(Territory.key.in_(lists["territory_keys"]))).all()
    order = ("reg", "dep", "epci", "ept", "com", "sub")
    territories = sorted(territories, key=lambda t: (order.index(t.level), fold(t.name)))
    roles: dict[int, list[str]] = {}
    for partner_id, role in session.exec(
        select(ActionPartner.partner_id, ActionPartner.role).where(ActionPartner.action_id == action.id)
    ):
        roles.setdefault(partner_id, []).append(role)
    labels = partner_labels(session, roles)
    typologies = dict(session.exec(select(Partner.id, Partner.typology).where(Partner.id.in_(list(roles)))).all())
    role_order = vocab.codes("role")

    def ordered(kind: str, codes: list[str]) -> list[str]:
        """French labels of codes, in vocabulary order."""
        known = vocab.codes(kind)
        return [vocab.label(kind, c) for c in sorted(codes, key=lambda c: (known.index(c) if c in known else 99, c))]

    partners = [
        SheetPartner(labels[pid], vocab.label("typology", typologies.get(pid)),
                     ordered("role", roles[pid]))
        for pid in sorted(roles, key=lambda p: (min(role_order.index(r) if r in role_order else 99
                                                    for r in roles[p]), fold(labels[p])))
    ]
    council = session.get(Council, action.council_id)
    return ActionSheet(
        id=action.id, title=action.title, council=council.name if council else "?",
        action_type=vocab.label("action_type", action.action_type),
        status=vocab.label("action_status", effective_status(action.status, action.end_date, as_of)),
        needs_review=needs_review(action.status, action.end_date, as_of),
        start_date=action.start_date, end_date=action.end_date,
        territories=[territory_label(t.level, t.code, t.name, t.commune_code) for t in territories],
        themes=ordered("theme", lists["themes"]), publics=ordered("public", lists["publics"]),
        mode=vocab.label("mode", action.mode) if action.mode else "",
        platforms=ordered("platform", lists["platforms"]),
        weekly_hours=action.weekly_hours, budget_eur=action.budget_eur,
        fundings=ordered("funding", lists["fundings"]), shared=action.shared,
        notes=action.notes, evaluation=action.evaluation, partners=partners,
        indicators=action_indicators(session, action.id), as_of=as_of, version=action.version,
    )


# ---------------------------------------------------------------- Markdown



def _count(value: int | None) -> str:
    """A count in French, `—` when not given."""
    return format_int(value) if value is not None else "—"


def sheet_markdown(sheet: ActionSheet) -> str:
    """The sheet as a Markdown document (user text escaped)."""
    lines = [f"# {md(sheet.title)}", ""]
    lines += [f"- **{heading}** : {md(value)}" for heading, value in sheet.facts()]
    lines += ["", "## Partenaires", ""]
    if sheet.partners:
        lines += ["| Partenaire | Typologie | Rôles |", "|---|---|---|"]
        lines += [f"| {md(p.name)} | {md(p.typology)} | {md(', '.join(p.roles))} |" for p in sheet.partners]
    else:
        lines.append("Aucun partenaire enregistré.")
    lines += ["", "## Indicateurs annuels", ""]
    if sheet.indicators:
        lines += ["| Année | " + " | ".join(INDICATOR_FIELDS.values()) + " |",
                  "|---" * (len(INDICATOR_FIELDS) + 1) + "|"]
        lines += [f"| {row.year} | " + " | ".join(_count(v) for v in row.values().values()) + " |"
                  for row in sheet.indicators]
    else:
        lines.append("Aucun indicateur saisi.")
    for heading, text in (("Notes", sheet.notes), ("Évaluation", sheet.evaluation)):
        if text.strip():
            lines += ["", f"## {heading}", ""] + [md(line) for line in text.strip().splitlines()]
    lines += ["", f"*Fiche établie le {format_date(sheet.as_of)} avec Maillage. Effectifs agrégés uniquement : "
                  "aucune donnée sur les personnes accompagnées.*", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- printable page

_PRINT_SCRIPT, _SCRIPT_HASH = PRINT_SCRIPT, PRINT_SCRIPT_HASH
_STYLE = PRINT_BUTTON_STYLE + RESPONSIVE_STYLE + """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; margin: 1.5rem;
       line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 1.4rem 0 .4rem;
     border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
.council { color: #444; margin: 0 0 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dt { font-weight: 600; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #bbb; padding: .3rem .5rem;
     text-align: left; vertical-align: top; } th { background: #f0f0f0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.review { color: #8a4b00; font-weight: 600; }
.note { white-space: pre-wrap; }
footer { margin-top: 1.5rem; font-size: .85rem; color: #555; }
@media screen and (max-width: 600px) {
  body { margin: .75rem; font-size: 14px; } h1 { font-size: 1.3rem; }
  dl { grid-template-columns: 1fr; gap: 0; } dd { margin: 0 0 .45rem; }
}
@media print {
  body { margin: 0; font-size: 10pt; line-height: 1.35; } @page { size: A4; margin: 14mm; }
  h2 { margin: .9rem 0 .3rem; } footer { margin-top: .8rem; font-size: 8pt; }
  h2 { break-after: avoid; } tr, dl > * { break-inside: avoid; }
}
"""


def _e(text: str) -> str:
    """HTML-escaped text (quotes included)."""
    return html.escape(text or "", quote=True)


def sheet_html(sheet: ActionSheet, print_button: bool = True, content_policy: bool = True) -> str:
    """The sheet as a standalone, printable HTML page: every user string escaped, nothing loaded from outside.

    `content_policy` adds a Content-Security-Policy allowing only the print button's script (for the
    downloaded file; a host page that injects its own script into the frame needs it off).
    """
    facts = "".join(f"<dt>{_e(heading)}</dt><dd{' class=review' if heading == 'Statut' and sheet.needs_review else ''}>"
                    f"{_e(value)}</dd>" for heading, value in sheet.facts())
    if sheet.partners:
        partners = ("<div class=scroll><table><thead><tr><th scope=col>Partenaire</th><th scope=col>Typologie</th>"
                    "<th scope=col>Rôles</th></tr></thead><tbody>"
                    + "".join(f"<tr><td>{_e(p.name)}</td><td>{_e(p.typology)}</td>"
                              f"<td>{_e(', '.join(p.roles))}</td></tr>"
                              for p in sheet.partners) + "</tbody></table></div>")
    else:
        partners = "<p>Aucun partenaire enregistré.</p>"
    if sheet.indicators:
        head = "".join(f"<th scope=col>{_e(label)}</th>" for label in INDICATOR_FIELDS.values())
        body = "".join(
            f"<tr><th scope=row>{row.year}</th>"
            + "".join(f"<td class=n>{_e(_count(v))}</td>" for v in row.values().values())
            + "</tr>" for row in sheet.indicators)
        indicators = (f"<div class=scroll><table><thead><tr><th scope=col>Année</th>{head}</tr></thead>"
                      f"<tbody>{body}</tbody></table></div>")
    else:
        indicators = "<p>Aucun indicateur saisi.</p>"
    texts = "".join(f"<h2>{heading}</h2><p class=note>{_e(text.strip())}</p>"
                    for heading, text in (("Notes", sheet.notes), ("Évaluation", sheet.evaluation)) if text.strip())
    script = f"<script>{_PRINT_SCRIPT}</script>" if print_button else ""
    button = print_button_html("Imprimer la fiche") if print_button else ""
    policy = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{_SCRIPT_HASH}'; "
              "img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'")
    meta = f"<meta http-equiv=Content-Security-Policy content=\"{policy}\">" if content_policy else ""
    return (
        f"<!DOCTYPE html><html lang=fr><head><meta charset=utf-8>"
        f"<meta name=viewport content='width=device-width, initial-scale=1'>{meta}"
        f"<title>{_e(sheet.title)} — fiche action</title><style>{_STYLE}</style></head><body>"
        f"{button}<h1>{_e(sheet.title)}</h1><p class=council>{_e(sheet.council)}</p>"
        f"<dl>{facts}</dl><h2>Partenaires</h2>{partners}<h2>Indicateurs annuels</h2>{indicators}{texts}"
        f"<footer>Fiche établie le {format_date(sheet.as_of)} avec Maillage. Effectifs agrégés uniquement : "
        "aucune donnée sur les personnes accompagnées.</footer>"
        f"{script}</body></html>"
    )


def sheet_filename(sheet: ActionSheet, extension: str) -> str:
    """`fiche-action-mediateurs-sociaux-promeneurs-du-net.md`."""
    slug = "-".join(fold(sheet.title).split())[:60].strip("-") or f"action-{sheet.id}"
    return f"fiche-action-{slug}.{extension}"
