"""Each role's home: what its dashboard shows, the coordinator's « à faire » list, and the next steps in words.

- Coordinators (and administrators) read « À faire » first: actions to update, actions ending soon, cards to
  check, the yearly plenary when it is due, coverage gaps for which nobody could be suggested — each item
  with the addresses of the screens where it is done.
- Elected officials read figures, trends and the summary: nothing they cannot act on (no to-do list, no journal).
- Network members have no council dashboard: they land on the comparison of their networks and read every
  action their networks' councils share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from maillage.accounts.access import Actor, can_write_council, network_council_ids
from maillage.actions.status import effective_status, needs_review
from maillage.core.errors import NotFoundError, PermissionDenied
from maillage.core.formatting import format_date, format_int, plural
from maillage.coverage.gaps import load_council_coverage
from maillage.coverage.suggestions import suggest
from maillage.partners.partnership import partnership_ids
from maillage.restitution.dashboard import STALE_AFTER_DAYS
from maillage.vocabularies.store import Vocabularies
from models import Action, Council, Network, Partner

# What each role's dashboard shows, in this order (the page draws the sections it is given).
TODO, FIGURES, TRENDS, SUMMARY, CAMPAIGN, JOURNAL = "todo", "figures", "trends", "summary", "campaign", "journal"
HOME_SECTIONS: dict[str, tuple[str, ...]] = {
    "admin": (TODO, FIGURES, CAMPAIGN, JOURNAL),
    "coordinateur": (TODO, FIGURES, CAMPAIGN, JOURNAL),
    "elu": (FIGURES, TRENDS, SUMMARY),
    "reseau": (),
}
ENDING_WITHIN_DAYS = 30
PLENARY_EVERY_DAYS = 365
PLENARY_NOTICE_DAYS = 60
LINK_LIMIT = 5

ACTIONS_PAGE = "pages/actions.py"
PARTNERS_PAGE = "pages/partenaires.py"
COVERAGE_PAGE = "pages/couverture.py"
CAMPAIGNS_PAGE = "pages/campagnes.py"
SUMMARY_PAGE = "pages/synthese_elus.py"
COMPARE_PAGE = "pages/comparer.py"


@dataclass(frozen=True)
class Destination:
    """Where to go to do something: a screen file (ui/screens.py) and the parameters of its address."""

    label: str
    page: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def query(self) -> dict[str, str]:
        """The address parameters as a dictionary."""
        return dict(self.params)


@dataclass(frozen=True)
class ToDo:
    """One item of the coordinator's « à faire » list."""

    kind: str          # review, ending, cards, plenary, gaps
    title: str         # « 3 fiches partenaires à vérifier »
    detail: str        # what to do, in one sentence
    count: int
    links: tuple[Destination, ...]
    more: int = 0      # how many of `count` have no link of their own (see the screen for the whole list)


def home_sections(role: str) -> tuple[str, ...]:
    """The sections of the dashboard this role reads, in order (none for an unknown role)."""
    return HOME_SECTIONS.get(role, ())


def _council(session: Session, council_id: int) -> Council:
    council = session.get(Council, council_id)
    if council is None:
        raise NotFoundError(f"l'instance n° {council_id} n'existe pas")
    return council


def _at(council_id: int, **params) -> tuple[tuple[str, str], ...]:
    """Address parameters that also name the council (so the link opens on it)."""
    return (("instance", str(council_id)), *((key, str(value)) for key, value in params.items()))


def plenary_due(last_plenary: dt.date | None) -> dt.date | None:
    """When the next yearly plenary is due (None when no plenary was ever recorded)."""
    return None if last_plenary is None else last_plenary + dt.timedelta(days=PLENARY_EVERY_DAYS)


def council_todo(session: Session, actor: Actor, council_id: int, today: dt.date | None = None) -> list[ToDo]:
    """The coordinator's « à faire » for one council on `today`, most urgent first (coordinators and admins only)."""
    today = today or dt.date.today()
    council = _council(session, council_id)
    if not can_write_council(actor, council_id):
        raise PermissionDenied("la liste « à faire » est réservée à la coordination de l'instance")
    items: list[ToDo] = []
    actions = session.exec(select(Action.id, Action.title, Action.status, Action.end_date)
                           .where(Action.council_id == council_id, Action.archived_at.is_(None))
                           .order_by(Action.end_date, Action.title)).all()

    review = [a for a in actions if needs_review(a.status, a.end_date, today)]
    if review:
        items.append(ToDo(
            "review", f"{plural(len(review), 'action')} à mettre à jour",
            "Encore « en cours » après la date de fin prévue : passez-les en « terminée » ou prolongez-les.",
            len(review), tuple(Destination(a.title, ACTIONS_PAGE, _at(council_id, action=a.id))
                               for a in review[:LINK_LIMIT]), max(0, len(review) - LINK_LIMIT)))

    horizon = today + dt.timedelta(days=ENDING_WITHIN_DAYS)
    ending = [a for a in actions if a.end_date is not None and today <= a.end_date <= horizon
              and effective_status(a.status, a.end_date, today) == "en_cours"]
    if ending:
        items.append(ToDo(
            "ending", f"{plural(len(ending), 'action se termine', 'actions se terminent')} d'ici le "
                      f"{format_date(horizon)}",
            "Préparez leur bilan (indicateurs de l'année) ou décidez de leur prolongation.",
            len(ending), tuple(Destination(f"{a.title} (fin le {format_date(a.end_date)})", ACTIONS_PAGE,
                                           _at(council_id, action=a.id)) for a in ending[:LINK_LIMIT]),
            max(0, len(ending) - LINK_LIMIT)))

    partner_ids = partnership_ids(session, council_id)
    limit = today - dt.timedelta(days=STALE_AFTER_DAYS)
    stale = sorted(
        (p for p in (session.exec(select(Partner.id, Partner.name, Partner.verified_on)
                                  .where(Partner.id.in_(sorted(partner_ids)))).all()
                     if partner_ids else [])
         if p.verified_on is None or p.verified_on < limit),
        key=lambda p: (p.verified_on or dt.date.min, p.name.casefold()))
    if stale:
        links = [Destination(p.name + (f" (vérifiée le {format_date(p.verified_on)})" if p.verified_on
                                      else " (jamais vérifiée)"),
                             PARTNERS_PAGE, _at(council_id, partenaire=p.id)) for p in stale[:LINK_LIMIT]]
        links.append(Destination("Demander aux partenaires de vérifier leur fiche (campagne)", CAMPAIGNS_PAGE,
                                 _at(council_id)))
        items.append(ToDo(
            "cards", f"{plural(len(stale), 'fiche partenaire', 'fiches partenaires')} à vérifier",
            "Non vérifiées depuis 12 mois (ou jamais) : relisez-les, ou lancez une campagne de mise à jour.",
            len(stale), tuple(links), max(0, len(stale) - LINK_LIMIT)))

    due = plenary_due(council.last_plenary)
    if due is None or due <= today + dt.timedelta(days=PLENARY_NOTICE_DAYS):
        if due is None:
            title = "Plénière à programmer"
            detail = "Aucune plénière n'est enregistrée pour cette instance."
        elif due < today:
            title = f"Plénière en retard depuis le {format_date(due)}"
            detail = f"La dernière s'est tenue le {format_date(council.last_plenary)}, il y a plus d'un an."
        else:
            title = f"Plénière à préparer avant le {format_date(due)}"
            detail = f"La dernière s'est tenue le {format_date(council.last_plenary)}."
        items.append(ToDo(
            "plenary", title, detail + " Préparez la synthèse pour les élus et la mise à jour des fiches.", 1,
            (Destination("Synthèse élus à présenter", SUMMARY_PAGE, _at(council_id)),
             Destination("Campagne de mise à jour avant la plénière", CAMPAIGNS_PAGE, _at(council_id)))))

    orphans = gaps_without_suggestion(session, council_id, today)
    if orphans:
        vocab = Vocabularies.load(session)
        cov_names = {code: name for code, name, _type, _public in orphans}
        by_pair: dict[tuple[str, str], list[str]] = {}
        for code, _name, action_type, public in orphans:
            by_pair.setdefault((action_type, public), []).append(code)
        links = []
        for (action_type, public), codes in list(by_pair.items())[:LINK_LIMIT]:
            where = cov_names[codes[0]] + (f" et {plural(len(codes) - 1, 'autre commune')}" if len(codes) > 1 else "")
            links.append(Destination(
                f"{vocab.label('action_type', action_type)} — {vocab.label('public', public)} : {where}",
                COVERAGE_PAGE, _at(council_id, colonnes="type", lignes="commune", territoire=f"com:{codes[0]}",
                                   colonne=action_type)))
        items.append(ToDo(
            "gaps", f"{plural(len(orphans), 'manque')} de couverture sans porteur suggéré",
            "Aucun partenaire présent n'a une typologie qui porte ce type d'action, et aucune instance du réseau ne "
            "le partage : cherchez un nouveau partenaire ou revoyez le référentiel.", len(orphans), tuple(links),
            sum(len(codes) for codes in list(by_pair.values())[LINK_LIMIT:])))
    return items


def gaps_without_suggestion(session: Session, council_id: int,
                            today: dt.date | None = None) -> list[tuple[str, str, str, str]]:
    """(commune code, commune name, action type, public) of every gap of the council's frame for which no
    partner and no network council can be suggested, by commune then type."""
    cov = load_council_coverage(session, council_id, today or dt.date.today())
    gaps = cov.gaps()
    if not gaps:
        return []
    found = suggest(session, cov, gaps)
    names = {c.code: c.name for c in cov.communes}
    orphans = []
    for cell in gaps:
        answer = found.get((cell.commune, cell.action_type, cell.public))
        if answer is None or answer.empty:
            orphans.append((cell.commune, names.get(cell.commune, cell.commune), cell.action_type, cell.public))
    return orphans


def coordinator_next_steps(todo: list[ToDo]) -> str:
    """One French line saying what to do next, from the « à faire » list."""
    if not todo:
        return ("Prochaine étape : tout est à jour. Enregistrez les indicateurs de l'année de vos actions et "
                "relisez la synthèse élus avant la prochaine plénière.")
    verbs = {"review": "mettre à jour {n}", "ending": "faire le bilan de {n}", "cards": "vérifier {n}",
             "gaps": "trouver un porteur pour {n}"}
    words = {"review": ("action échue", "actions échues"), "ending": ("action qui se termine", "actions qui se terminent"),
             "cards": ("fiche partenaire", "fiches partenaires"), "gaps": ("manque de couverture", "manques de couverture")}
    parts = []
    for item in todo[:3]:
        if item.kind == "plenary":
            parts.append("programmer la plénière" if item.title == "Plénière à programmer"
                         else "préparer la plénière (" + item.title.removeprefix("Plénière ") + ")")
        else:
            one, many = words[item.kind]
            parts.append(verbs[item.kind].format(n=plural(item.count, one, many)))
    return "Prochaines étapes : " + ", puis ".join(parts) + "."


def elected_next_steps(council_name: str, year: int, active_actions: int, gap_cells: int,
                       coordination_contact: str = "") -> str:
    """One French line for an elected official: read and print the summary, ask the coordination."""
    text = (f"À lire ensuite : la synthèse {year} de {council_name}, une page à imprimer ou à joindre en PDF "
            f"({plural(active_actions, 'action en cours', 'actions en cours')}")
    text += f", {plural(gap_cells, 'manque', 'manques')} de couverture)." if gap_cells else ")."
    if coordination_contact:
        text += f" Pour une question ou une décision : {coordination_contact}."
    return text


@dataclass(frozen=True)
class NetworkHome:
    """What a network member's networks share: councils and shared actions."""

    networks: tuple[str, ...]
    councils: int
    shared_actions: int
    running: int

    def next_steps(self) -> str:
        """One French line saying what to do next on the network's pages."""
        if not self.networks:
            return ("Prochaine étape : demandez à un administrateur de vous rattacher à un réseau pour voir les "
                    "actions partagées et comparer les instances.")
        names = " et ".join(f"« {name} »" for name in self.networks[:2]) + (" …" if len(self.networks) > 2 else "")
        return (f"Prochaines étapes : comparez les {plural(self.councils, 'instance')} de {names}, puis parcourez "
                f"leurs {plural(self.shared_actions, 'action partagée', 'actions partagées')} "
                f"(dont {format_int(self.running)} en cours) pour savoir qui fait quoi et qui appeler.")


def shared_network_action_ids(session: Session, actor: Actor) -> list[int]:
    """The actions a network member reads: every shared, non-archived action of their networks' councils."""
    councils = network_council_ids(session, actor.network_ids)
    if not councils:
        return []
    return list(session.exec(select(Action.id).where(
        Action.council_id.in_(sorted(councils)), Action.shared.is_(True), Action.archived_at.is_(None))
        .order_by(Action.id)).all())


def network_home(session: Session, actor: Actor, today: dt.date | None = None) -> NetworkHome:
    """The networks of a network member, their councils and shared actions (running ones at `today`)."""
    today = today or dt.date.today()
    names = tuple(session.exec(select(Network.name).where(Network.id.in_(sorted(actor.network_ids)))
                               .order_by(Network.name)).all()) if actor.network_ids else ()
    councils = network_council_ids(session, actor.network_ids)
    ids = shared_network_action_ids(session, actor)
    actions = session.exec(select(Action).where(Action.id.in_(ids))).all() if ids else []
    running = sum(1 for a in actions if effective_status(a.status, a.end_date, today) == "en_cours"
                  and (a.start_date is None or a.start_date <= today))
    return NetworkHome(names, len(councils), len(ids), running)
