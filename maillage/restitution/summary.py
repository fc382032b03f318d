"""The elected officials' summary: one page per council and year, computed from the data.

What it holds: key figures with their change since the previous year, the coverage map, the main
actions with their partners and results, the main gaps with who could fill them, the strength of the
partnership (links by level, newly joined partners), and short French sentences saying all that.
Rendering lives elsewhere: `report_pdf` (fpdf2), `report_html` (print-friendly page on screen); both add the
council's cooperation network as the Réseau page draws it (`network`), on a second, landscape page.

Who may read it: the council's coordinators and elected officials, and administrators
(`maillage.accounts.access.require_read_council`). Figures count all the council's actions; the actions of
other councils appear only through coverage and suggestions, which use shared actions only.
A year is looked at on 31 December, or today for the current year (`maillage.restitution.period`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import func
from sqlmodel import Session, select

from maillage.accounts.access import Actor, require_read_council
from maillage.core.db import get_meta
from maillage.core.errors import NotFoundError
from maillage.core.formatting import format_decimal, format_int, format_percent
from maillage.core.french import signed
from maillage.coverage.data import load_snapshot
from maillage.coverage.gaps import CouncilCoverage, compute_council
from maillage.coverage.map import ATTRIBUTION, coverage_map, outline
from maillage.coverage.partnership import single_partner_actions
from maillage.coverage.suggestions import suggest
from maillage.geography.footprints import territory_labels
from maillage.network.data import (
    GraphFilters,
    NetworkGraph,
    Scope,
    build_graph,
    load_source,
)
from maillage.network.metrics import network_changes
from maillage.network.overview import overview_drawing
from maillage.network.view import Drawing
from maillage.partners.expectations import missing_expectations
from maillage.restitution.baseline import Baseline, baseline_for
from maillage.restitution.comparison import aggregate_reader
from maillage.restitution.indicators import COUNT, DECIMAL, HIGH, LOW, PERCENT
from maillage.restitution.period import (
    as_of_for,
    historical_rank,
    offered_years,
    ran_during,
    ran_on,
)
from maillage.restitution.sentences import sentences
from maillage.vocabularies.store import Vocabularies
from models import Action, ActionPartner, Council, CouncilTerritory, Indicator, Partner

MAIN_ACTIONS = 5
MAIN_GAPS = 4
SUGGESTIONS_PER_GAP = 3
HISTORY_YEARS = 5
MAP_COMMUNES_MAX = 400  # above, the map is drawn by EPCI


@dataclass(frozen=True)
class KeyFigure:
    """One key figure of the year, with last year's value to compare with."""

    code: str
    label: str
    value: float | int | None
    previous: float | int | None
    kind: str  # COUNT, PERCENT, DECIMAL
    better: str  # HIGH or LOW
    unit: str = ""
    digits: int = 0
    baseline: Baseline | None = None  # what `previous` is (see maillage.restitution.baseline)
    total: bool = False               # a yearly total (compared only once the year is closed)

    @property
    def compared(self) -> bool:
        """Whether the value is compared with `previous` (a running year's total is not)."""
        return not (self.total and self.baseline is not None and not self.baseline.compares_totals)

    @property
    def text(self) -> str:
        """The value in French (`12`, `43 %`, `6,5 h`)."""
        return _format(self.value, self.kind, self.digits) + (f"\u00a0{self.unit}" if self.unit and self.value is not None else "")

    @property
    def change(self) -> float | None:
        """This year's value minus last year's (None when one is unknown)."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def trend(self) -> str | None:
        """`up`, `down`, `same`, or None when unknown (change rounded as shown)."""
        change = self.change
        if change is None or not self.compared:
            return None
        shown = round(change * 100, self.digits) if self.kind == PERCENT else round(change, self.digits)
        return "same" if shown == 0 else ("up" if shown > 0 else "down")

    @property
    def improved(self) -> bool | None:
        """Whether the change goes the right way (None when stable or unknown)."""
        if self.trend in (None, "same"):
            return None
        return (self.trend == "up") == (self.better == HIGH)

    def change_text(self, previous_year: int | None = None) -> str:
        """`+3 depuis fin 2025`, `stable depuis le 2 décembre 2025`, `+180 par rapport à 2025`, `2025 entière : 1 050`, `—`.

        The words come from the figure's baseline (like for like); without one, `depuis <previous_year>`.
        """
        base = self.baseline
        year = base.previous_year if base is not None else previous_year
        if not self.compared:
            return "—" if self.previous is None else f"{year} entière : {_format(self.previous, self.kind, self.digits)}"
        if self.trend is None:
            return "—"
        since = f"par rapport à {year}" if self.total else (base.since if base is not None else f"depuis {year}")
        if self.trend == "same":
            return f"stable {since}" if not self.total else f"comme en {year}"
        return f"{signed(self.change, self.kind, self.digits)} {since}"


def _format(value, kind: str, digits: int) -> str:
    """A key figure's value in French."""
    if value is None:
        return "—"
    if kind == PERCENT:
        return format_percent(value, digits)
    if kind == DECIMAL:
        return format_decimal(value, digits)
    return format_int(value)


@dataclass(frozen=True)
class ReportAction:
    """A main action of the year: partners and results."""

    id: int
    title: str
    type_label: str
    mode: str | None
    status_label: str
    start_date: dt.date
    end_date: dt.date | None
    pilots: tuple[str, ...]
    partners: tuple[str, ...]
    people: int | None
    sessions: int | None
    online_contacts: int | None
    referrals: int | None
    weekly_hours: float | None


@dataclass(frozen=True)
class ReportGap:
    """One expected (action type, public) missing on some communes, and who could fill it."""

    action_type: str
    type_label: str
    public: str
    public_label: str
    status: str
    communes: tuple[str, ...]
    population: int
    lapsed: int
    suggestions: tuple[str, ...]


@dataclass
class CouncilReport:
    """Everything the one-page summary shows for one council and one year."""

    council_id: int
    name: str
    kind: str
    territories: list[str]
    year: int
    as_of: dt.date
    previous_as_of: dt.date
    today: dt.date
    communes: int
    population: int
    last_plenary: dt.date | None
    coordination_contact: str
    figures: list[KeyFigure]
    active_actions: int
    online_actions: int
    previous_active: int
    people: int | None
    previous_people: int | None
    actions: list[ReportAction]
    actions_in_year: int
    gaps: list[ReportGap]
    gap_cells: int
    expected_cells: int
    coverage_score: float | None
    previous_score: float | None
    frame_is_default: bool
    map_level: str
    map_features: list[dict]
    map_without: list[str]
    partners: int
    engaged_partners: int
    links_by_level: dict[int, int]
    previous_links_by_level: dict[int, int]
    level_labels: dict[int, str]
    new_partners: list[str]
    links_added: int
    links_ended: int
    missing_typologies: list[str]
    single_partner: list[str]
    people_by_year: list[tuple[int, int | None]]
    demo: bool = False
    sentences: list[str] = field(default_factory=list)
    attribution: str = ATTRIBUTION
    map_context: list[dict] = field(default_factory=list)   # drawn faintly around a one-commune council
    map_context_label: str = ""                              # « l'EPCI Bordeaux Métropole »
    network: Drawing | None = None  # the Réseau page's drawing of the council at `as_of` (same stored positions)

    @property
    def previous_year(self) -> int:
        """The year the changes are measured from."""
        return self.year - 1

    @property
    def baseline(self) -> Baseline:
        """What the figures are compared with: the same day last year for a running year, else the year's end."""
        return baseline_for(self.year, self.today)

    @property
    def provisional(self) -> bool:
        """Whether the year is still running (its figures are provisional)."""
        return self.year == self.today.year

    @property
    def links(self) -> int:
        """Active declared links at the report's date."""
        return sum(self.links_by_level.values())

    @property
    def high_links(self) -> int:
        """Active links at level 3 (coopération) or 4 (collaboration)."""
        return sum(n for level, n in self.links_by_level.items() if level >= 3)

    def figure(self, code: str) -> KeyFigure:
        """One key figure by code."""
        return next(f for f in self.figures if f.code == code)


# ---------------------------------------------------------------- computing


def _links_by_level(graph: NetworkGraph) -> dict[int, int]:
    """Active declared links of a graph per level (1 to 4)."""
    levels = {link.id: link.level for link in graph.source.links}
    counts = {level: 0 for level in (1, 2, 3, 4)}
    for edge in graph.edges.values():
        for link_id in edge.link_ids:
            counts[levels[link_id]] = counts.get(levels[link_id], 0) + 1
    return counts


def _engaged(graph: NetworkGraph) -> int:
    """Partners with at least one link or running shared action in the graph."""
    return sum(1 for neighbours in graph.adjacency().values() if neighbours)


def _coverage_at(snapshot, council_id: int, as_of: dt.date, today: dt.date) -> CouncilCoverage:
    """The council's coverage at a date, past actions ranked by their dates (reporting_period)."""
    ranks = {a.id: historical_rank(a, as_of, today) for a in snapshot.actions.values()}
    return compute_council(snapshot, council_id, as_of, ranks=ranks)


def _people_by_year(session: Session, council_id: int, years: list[int]) -> dict[int, int]:
    """year → people reached by the council's actions that year (years without figures absent)."""
    rows = session.exec(
        select(Indicator.year, func.sum(Indicator.people_reached))
        .join(Action, Action.id == Indicator.action_id)
        .where(Action.council_id == council_id, Action.archived_at.is_(None), Indicator.year.in_(years),
               Indicator.people_reached.is_not(None))
        .group_by(Indicator.year)).all()
    return {year: int(total) for year, total in rows if total is not None}


def _main_actions(session: Session, actions: list[Action], year: int, today: dt.date,
                  vocab: Vocabularies) -> tuple[list[ReportAction], int]:
    """The actions that ran during the year (or have results for it), most people reached first."""
    figures = {row.action_id: row for row in session.exec(
        select(Indicator).where(Indicator.action_id.in_([a.id for a in actions] or [-1]), Indicator.year == year))}
    running = [a for a in actions
               if ran_during(a.status, a.start_date, a.end_date, year, today) or a.id in figures]
    running.sort(key=lambda a: (-(getattr(figures.get(a.id), "people_reached", None) or 0),
                                -(a.weekly_hours or 0), a.title.casefold()))
    chosen = running[:MAIN_ACTIONS]
    roles: dict[int, list[tuple[str, str]]] = {}
    for action_id, name, role in session.exec(
            select(ActionPartner.action_id, Partner.name, ActionPartner.role)
            .join(Partner, Partner.id == ActionPartner.partner_id)
            .where(ActionPartner.action_id.in_([a.id for a in chosen] or [-1]))):
        roles.setdefault(action_id, []).append((name, role))
    out = []
    for action in chosen:
        pairs = roles.get(action.id, [])
        pilots = tuple(sorted({n for n, r in pairs if r == "pilote"}, key=str.casefold))
        others = tuple(sorted({n for n, _r in pairs} - set(pilots), key=str.casefold))
        row = figures.get(action.id)
        out.append(ReportAction(
            action.id, action.title, vocab.label("action_type", action.action_type), action.mode,
            vocab.label("action_status", action.status), action.start_date, action.end_date, pilots, others,
            row.people_reached if row else None, row.sessions if row else None,
            row.online_contacts if row else None, row.referrals if row else None, action.weekly_hours))
    return out, len(running)


def _main_gaps(session: Session, cov: CouncilCoverage, vocab: Vocabularies) -> list[ReportGap]:
    """Gaps grouped by (action type, public), the most inhabitants concerned first, with suggestions."""
    groups: dict[tuple[str, str], list] = {}
    for cell in cov.gaps():
        groups.setdefault((cell.action_type, cell.public), []).append(cell)
    ordered = sorted(groups.items(), key=lambda item: (
        -sum(cov.commune(c.commune).population for c in item[1]), -len(item[1]),
        vocab.label("action_type", item[0][0]).casefold(), item[0][1]))[:MAIN_GAPS]
    cells = [cell for _key, group in ordered for cell in group]
    found = suggest(session, cov, cells, vocab) if cells else {}
    out = []
    for (action_type, public), group in ordered:
        names: list[str] = []
        for cell in sorted(group, key=lambda c: -cov.commune(c.commune).population):
            hints = found.get((cell.commune, action_type, public))
            if hints is None:
                continue
            for partner in hints.partners:
                if partner.name not in names:
                    names.append(partner.name)
            for council in hints.councils:
                text = f"{council.name} (action partagée)"
                if text not in names:
                    names.append(text)
        communes = sorted(group, key=lambda c: (-cov.commune(c.commune).population, cov.commune(c.commune).name))
        out.append(ReportGap(
            action_type, vocab.label("action_type", action_type), public, vocab.label("public", public),
            "lapsed" if all(c.status == "lapsed" for c in group) else "missing",
            tuple(cov.commune(c.commune).name for c in communes),
            sum(cov.commune(c.commune).population for c in group),
            sum(1 for c in group if c.status == "lapsed"), tuple(names[:SUGGESTIONS_PER_GAP])))
    return out


def report_years(session: Session, actor: Actor, council_id: int, today: dt.date | None = None) -> list[int]:
    """Years a summary can be asked for, most recent first (from the council's oldest action)."""
    today = today or dt.date.today()
    require_read_council(actor, council_id, "consulter la synthèse de cette instance")
    first = session.exec(select(func.min(Action.start_date)).where(
        Action.council_id == council_id, Action.archived_at.is_(None))).one()
    return offered_years(first.year if first else None, today)


def council_report(session: Session, actor: Actor, council_id: int, year: int | None = None,
                   today: dt.date | None = None, *, with_network: bool = True) -> CouncilReport:
    """The summary of one council for `year` (default: this year), for someone who may read the council;
    `with_network=False` leaves out the network drawing (whose first layout is stored: a writing session)."""
    today = today or dt.date.today()
    council = session.get(Council, council_id)
    if council is None:
        raise NotFoundError(f"l'instance n° {council_id} n'existe pas")
    require_read_council(actor, council_id, "consulter la synthèse de cette instance")
    year = today.year if year is None else year
    as_of = as_of_for(year, today)
    base = baseline_for(year, today)
    previous_as_of = base.day
    vocab = Vocabularies.load(session)

    snapshot = load_snapshot(session, [council_id], with_themes=False, with_partners=False)
    cov = _coverage_at(snapshot, council_id, as_of, today)
    previous_cov = _coverage_at(snapshot, council_id, previous_as_of, today)

    source = load_source(session, aggregate_reader(council_id), Scope.council(council_id), today=as_of, vocab=vocab)
    graph = build_graph(source, GraphFilters())
    previous_graph = build_graph(replace(source, as_of=previous_as_of), GraphFilters())
    changes = network_changes(source, GraphFilters(), year - 1, year)
    missing = missing_expectations(source.expectations, source.present_typologies)

    actions = list(session.exec(select(Action).where(Action.council_id == council_id, Action.archived_at.is_(None))))
    active = [a for a in actions if ran_on(a.status, a.start_date, a.end_date, as_of, today)]
    previous_active = [a for a in actions if ran_on(a.status, a.start_date, a.end_date, previous_as_of, today)]
    years = list(range(year - HISTORY_YEARS + 1, year + 1))
    people = _people_by_year(session, council_id, years + [year - 1])
    main_actions, in_year = _main_actions(session, actions, year, today, vocab)
    gaps = _main_gaps(session, cov, vocab)
    single = single_partner_actions(session, council_id, as_of)

    def hours(items: list[Action]) -> float:
        """Weekly hours of the online actions among `items`."""
        return sum(a.weekly_hours or 0 for a in items if a.mode == "en_ligne")

    online = [a for a in active if a.mode == "en_ligne"]
    previous_online = [a for a in previous_active if a.mode == "en_ligne"]
    gap_cells = len(cov.gaps())
    links_now, links_before = _links_by_level(graph), _links_by_level(previous_graph)
    figures = [
        KeyFigure("actions", "Actions en cours", len(active), len(previous_active), COUNT, HIGH, baseline=base),
        KeyFigure("online", "dont en ligne", len(online), len(previous_online), COUNT, HIGH, baseline=base),
        KeyFigure("people", f"Personnes touchées en {year}", people.get(year), people.get(year - 1), COUNT, HIGH,
                  baseline=base, total=True),
        KeyFigure("hours", "Heures en ligne par semaine", hours(active), hours(previous_active), DECIMAL, HIGH,
                  unit="h", digits=1, baseline=base),
        KeyFigure("engaged", "Partenaires engagés", _engaged(graph), _engaged(previous_graph), COUNT, HIGH,
                  baseline=base),
        KeyFigure("links", "Liens actifs", sum(links_now.values()), sum(links_before.values()), COUNT, HIGH,
                  baseline=base),
        KeyFigure("score", "Score de couverture", cov.score, previous_cov.score, PERCENT, HIGH, baseline=base),
        KeyFigure("gaps", "Attentes non couvertes", gap_cells, len(previous_cov.gaps()), COUNT, LOW, baseline=base),
    ]
    level = "commune" if len(cov.communes) <= MAP_COMMUNES_MAX else "epci"
    drawn = coverage_map(cov, level)
    keys = list(session.exec(select(CouncilTerritory.territory_key).where(CouncilTerritory.council_id == council_id)))
    labels = territory_labels(session, keys)
    report = CouncilReport(
        council_id=council_id, name=council.name, kind=vocab.label("council_kind", council.kind),
        territories=sorted((labels.get(k, k) for k in keys), key=str.casefold), year=year, as_of=as_of,
        previous_as_of=previous_as_of, today=today, communes=len(cov.communes), population=cov.population,
        last_plenary=council.last_plenary, coordination_contact=council.coordination_contact, figures=figures,
        active_actions=len(active), online_actions=len(online), previous_active=len(previous_active),
        people=people.get(year), previous_people=people.get(year - 1), actions=main_actions, actions_in_year=in_year,
        gaps=gaps, gap_cells=gap_cells, expected_cells=cov.expected, coverage_score=cov.score,
        previous_score=previous_cov.score, frame_is_default=cov.frame_is_default, map_level=level,
        map_features=drawn.features, map_without=drawn.without_outline, partners=len(graph.nodes),
        engaged_partners=_engaged(graph), links_by_level=links_now, previous_links_by_level=links_before,
        level_labels={int(code): label for code, label in vocab.labels("link_level").items()},
        new_partners=list(changes.no_longer_isolated), links_added=len(changes.added), links_ended=len(changes.ended),
        missing_typologies=[e.label(vocab) for e in missing],
        single_partner=[a.title for a in single if a.status == "en_cours"],
        people_by_year=[(y, people.get(y)) for y in years], demo=get_meta(session, "demo") == "oui",
    )
    report.network = overview_drawing(session, source, graph=graph) if with_network and source.nodes else None
    if level == "commune" and len(cov.communes) == 1:
        report.map_context, report.map_context_label = _map_context(cov.communes[0], cov.territory_names)
    report.sentences = sentences(report)
    return report


def _map_context(commune, names: dict[str, str]) -> tuple[list[dict], str]:
    """The EPCI (or else the département) around a one-commune council, drawn faintly so the map reads as a place."""
    for level, code, what in (("epci", commune.epci, "l'EPCI"), ("dep", commune.dep, "le département")):
        geometry = outline(level, code) if code else None
        if geometry is not None:
            name = names.get(f"{level}:{code}", code)
            return ([{"type": "Feature", "geometry": geometry, "properties": {"name": name, "context": True}}],
                    f"{what} {name}")
    return [], ""


def context_note(report: CouncilReport) -> str:
    """« La commune est dessinée dans l'EPCI Bordeaux Métropole (en gris). » or nothing."""
    if not report.map_context_label:
        return ""
    return f" La commune est dessinée dans {report.map_context_label} (en gris clair)."

