"""Views of a council's coverage: the matrix (communes, EPCI or départements × action types, publics,
themes or frame rules), aggregations by EPCI and by council, and the actions behind a matrix cell.

A matrix cell groups frame cells (e.g. every public of one action type on one commune). Its status is
`active` when all its expected cells are active, else the worst status among them (missing, then lapsed,
then planned), `not_expected` when none is expected; `active`/`expected` give the share shown.
Themes are not part of the frame: the theme view shows which themes the counted actions address on each
commune (status `none` when no action does), it never reports a gap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from sqlmodel import Session

from maillage.accounts.access import Actor, can_read_council
from maillage.core.formatting import format_int, format_percent, plural
from maillage.core.text import fold
from maillage.coverage.data import load_snapshot
from maillage.coverage.gaps import (
    ACTIVE,
    LAPSED,
    PLANNED,
    RANK_STATUS,
    STATUS_LABELS,
    Cell,
    CouncilCoverage,
    compute_council,
    coverage_access,
    score_of,
)
from maillage.coverage.presence import reach_keys, reach_label
from maillage.vocabularies.store import Vocabularies

BY_CHOICES = {
    "type": "Types d'action",
    "public": "Publics",
    "theme": "Thèmes",
    "rule": "Règles du référentiel",
}
ROW_LEVELS = {
    "commune": "Communes",
    "epci": "EPCI",
    "dep": "Départements",
}
NO_EPCI = "epci:-"
RANK_PRESENCE = {ACTIVE: "active", PLANNED: "planned", LAPSED: "lapsed", 0: "none"}
# Labels of what a matrix cell is drawn as (legend, colours): « non attendu » split by what is there.
DISPLAY_LABELS = {**STATUS_LABELS, "not_expected": "Non attendu · rien en cours",
                  "not_expected_present": "Non attendu · couvert"}
# Worst first: the status a group of cells takes when they are not all active.
WORST_FIRST = ("missing", "none", "lapsed", "planned")


@dataclass(frozen=True)
class Header:
    """A row or column of the matrix."""

    key: str
    label: str
    population: int = 0
    communes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatrixCell:
    """One cell of the matrix: aggregated status, counts, and the actions behind it."""

    row: str
    column: str
    status: str
    expected: int
    active: int
    counts: dict[str, int]
    action_ids: tuple[int, ...]       # every counted action behind the cell (any status)
    frame_cells: tuple[Cell, ...] = ()
    present: int = 0                  # frame cells an action in progress reaches, expected or not
    presence: str = "none"            # best state of the actions behind: active, planned, lapsed or none
    communes: tuple[str, ...] = ()    # the communes of the row

    @property
    def display_status(self) -> str:
        """The status drawn: the frame status, with « non attendu » split by what is there."""
        if self.status == "not_expected" and self.present:
            return "not_expected_present"
        return self.status

    @property
    def share(self) -> float | None:
        """Share of the expected cells that are active (None when none is expected)."""
        return self.active / self.expected if self.expected else None

    @property
    def is_gap(self) -> bool:
        """Whether a missing or lapsed frame cell is behind this cell."""
        return any(self.counts.get(s, 0) for s in ("missing", "lapsed"))


@dataclass
class Matrix:
    """Rows × columns of aggregated cells, with labels."""

    by: str
    rows_level: str
    rows: list[Header]
    columns: list[Header]
    cells: dict[tuple[str, str], MatrixCell] = field(default_factory=dict)

    def cell(self, row: str, column: str) -> MatrixCell | None:
        """The cell at (row key, column key), if the frame has one there."""
        return self.cells.get((row, column))

    def row_score(self, row: str) -> float | None:
        """Share of the row's expected frame cells that are active."""
        cells = [fc for (r, _c), mc in self.cells.items() if r == row for fc in mc.frame_cells]
        return score_of(cells)

    def filtered(self, *, statuses: set[str] | None = None, columns: list[str] | None = None,
                 search: str = "") -> Matrix:
        """Keep the chosen columns, rows whose label contains `search`, and rows having a cell in `statuses`."""
        kept_columns = [c for c in self.columns if not columns or c.key in columns]
        column_keys = {c.key for c in kept_columns}
        needle = fold(search) if search else ""
        rows = []
        for row in self.rows:
            if needle and needle not in fold(row.label):
                continue
            if statuses:
                row_statuses = {status for (r, c), mc in self.cells.items() if r == row.key and c in column_keys
                                for status, count in mc.counts.items() if count} | \
                               {mc.display_status for (r, c), mc in self.cells.items()
                                if r == row.key and c in column_keys}
                if not row_statuses & statuses:
                    continue
            rows.append(row)
        row_keys = {r.key for r in rows}
        cells = {k: v for k, v in self.cells.items() if k[0] in row_keys and k[1] in column_keys}
        return Matrix(self.by, self.rows_level, rows, kept_columns, cells)

    def records(self) -> list[dict]:
        """Long form, one dict per cell, for the heat-map chart (labels in French)."""
        out = []
        for row_position, row in enumerate(self.rows):
            for column_position, column in enumerate(self.columns):
                cell = self.cells.get((row.key, column.key))
                if cell is None:
                    continue
                out.append({
                    "row": row.key, "row_label": row.label, "row_order": row_position,
                    "column": column.key, "column_label": column.label, "column_order": column_position,
                    "status": cell.display_status, "status_label": DISPLAY_LABELS[cell.display_status],
                    "cell_label": cell_label(cell),
                    "text": cell_text(cell), "detail": cell_detail_text(cell, self.by),
                    "share": cell.share,
                })
        return out

    def wide_rows(self, display: bool = False) -> list[dict]:
        """One dict per row (French headers), status label in each column (`display`: numbers as French text)."""
        out = []
        for row in self.rows:
            record = {"Territoire": row.label, "Code": row.key.partition(":")[2],
                      "Population": format_int(row.population) if display else row.population}
            for column in self.columns:
                cell = self.cells.get((row.key, column.key))
                record[column.label] = "" if cell is None else _wide_text(cell)
            score = self.row_score(row.key)
            if self.by != "theme":
                record["Score de couverture"] = "" if score is None else format_percent(score)
            out.append(record)
        return out


def cell_text(cell: MatrixCell) -> str:
    """Short text drawn in a heat-map cell: `✓`, `2/3`, `✗`; not expected: `(✓)`, `(1/2)`, `(P)`, `(É)`, `–`."""
    if cell.status == "not_expected":
        total = len(cell.frame_cells)
        if cell.present:
            return "(✓)" if cell.present >= total else f"({cell.present}/{total})"
        return {"planned": "(P)", "lapsed": "(É)"}.get(cell.presence, "–")
    if cell.expected > 1:
        return f"{cell.active}/{cell.expected}"
    return {"active": "✓", "planned": "P", "lapsed": "É", "missing": "✗", "none": ""}.get(cell.status, "")


def cell_label(cell: MatrixCell) -> str:
    """The two truths of a cell in words: `Couvert`, `Manquant (1/2)`, `Non attendu · couvert`, `Non attendu · rien`…"""
    if cell.status == "not_expected":
        total = len(cell.frame_cells)
        if cell.present:
            return "Non attendu · couvert" + ("" if cell.present >= total else f" ({cell.present}/{total})")
        return "Non attendu · " + {"planned": "prévu", "lapsed": "échu"}.get(cell.presence, "rien")
    text = STATUS_LABELS[cell.status]
    if cell.expected > 1:
        text += f" ({cell.active}/{cell.expected})"
    return text


def _wide_text(cell: MatrixCell) -> str:
    """Status label of a cell for the table download, with the share when grouped."""
    return cell_label(cell)


def cell_detail_text(cell: MatrixCell, by: str) -> str:
    """Tooltip text: actions behind and counts per status, in French."""
    parts = [f"{STATUS_LABELS[s]} : {n}" for s, n in cell.counts.items() if n]
    what = "commune" if by == "theme" else "cellule"
    return f"{plural(len(cell.action_ids), 'action')} · " + (", ".join(parts) if parts else f"aucune {what}")


def _aggregate(statuses: list[str]) -> str:
    """The status of a group of cells: active when all expected ones are, else the worst."""
    expected = [s for s in statuses if s != "not_expected"]
    if not expected:
        return "not_expected"
    if all(s == "active" for s in expected):
        return "active"
    for status in WORST_FIRST:
        if status in expected:
            return status
    return "active"


def _row_key(cov: CouncilCoverage, code: str, level: str) -> str:
    """The row a commune falls in at a row level (commune, EPCI or département)."""
    commune = cov.commune(code)
    if level == "commune":
        return f"com:{code}"
    if level == "epci":
        return f"epci:{commune.epci}" if commune.epci else NO_EPCI
    return f"dep:{commune.dep}" if commune.dep else "dep:-"


def _rows(cov: CouncilCoverage, level: str) -> list[Header]:
    """Row headers of the matrix at a row level, by code (communes outside any EPCI last)."""
    groups: dict[str, list[str]] = {}
    for commune in cov.communes:
        groups.setdefault(_row_key(cov, commune.code, level), []).append(commune.code)
    headers = []
    for key, codes in groups.items():
        population = sum(cov.commune(code).population for code in codes)
        if level == "commune":
            label = f"{cov.commune(codes[0]).name} ({codes[0]})"
        elif key == NO_EPCI:
            label = "Communes hors EPCI"
        elif key == "dep:-":
            label = "Hors département"
        else:
            name = cov.territory_names.get(key, key.partition(":")[2])
            label = f"{name} ({key.partition(':')[2]})" if level == "dep" else name
        headers.append(Header(key, label, population, tuple(codes)))
    headers.sort(key=lambda h: (h.key == NO_EPCI, h.key.partition(":")[2]))
    return headers


def _column_of(cell: Cell, by: str) -> str:
    """The column a frame cell falls in for a dimension."""
    if by == "type":
        return cell.action_type
    if by == "public":
        return cell.public
    return f"{cell.action_type}|{cell.public}"


def _columns(cov: CouncilCoverage, by: str, vocab: Vocabularies) -> list[Header]:
    """Column headers for a dimension, in vocabulary order."""
    if by == "theme":
        return [Header(code, label) for code, label in vocab.labels("theme").items()]
    if by == "rule":
        type_order = {c: i for i, c in enumerate(vocab.codes("action_type"))}
        public_order = {c: i for i, c in enumerate(vocab.codes("public"))}
        rules = sorted(cov.frame, key=lambda r: (type_order.get(r.action_type, 99), public_order.get(r.public, 99)))
        return [Header(f"{r.action_type}|{r.public}",
                       f"{vocab.label('action_type', r.action_type)} — {vocab.label('public', r.public)}")
                for r in rules]
    kind = "action_type" if by == "type" else "public"
    present = {r.action_type if by == "type" else r.public for r in cov.frame}
    ordered = [code for code in vocab.codes(kind) if code in present] + sorted(present - set(vocab.codes(kind)))
    return [Header(code, vocab.label(kind, code)) for code in ordered]


@lru_cache(maxsize=1)
def _default_vocabularies() -> Vocabularies:
    """The shipped vocabularies, built once (for callers without a database session)."""
    return Vocabularies.defaults()


def build_matrix(cov: CouncilCoverage, by: str = "type", rows: str = "commune",
                 vocab: Vocabularies | None = None) -> Matrix:
    """The matrix of a council's coverage (`by`: type, public, theme or rule; `rows`: commune, epci or dep)."""
    if by not in BY_CHOICES:
        raise ValueError(f"unknown matrix dimension {by!r}")
    if rows not in ROW_LEVELS:
        raise ValueError(f"unknown row level {rows!r}")
    vocab = vocab or _default_vocabularies()
    headers = _rows(cov, rows)
    columns = _columns(cov, by, vocab)
    row_of = {code: header.key for header in headers for code in header.communes}
    matrix = Matrix(by, rows, headers, columns)
    if by == "theme":
        _fill_themes(cov, matrix, row_of)
        return matrix
    grouped: dict[tuple[str, str], list[Cell]] = {}
    ranks = cov.ranks
    communes_of = {header.key: header.communes for header in headers}
    for cell in cov.cells:
        grouped.setdefault((row_of[cell.commune], _column_of(cell, by)), []).append(cell)
    for (row, column), cells in grouped.items():
        counts = {status: 0 for status in ("active", "planned", "lapsed", "missing", "not_expected")}
        ids: set[int] = set()
        present = best = 0
        for cell in cells:
            counts[cell.status] += 1
            ids.update(cell.covering_ids)
            rank = max((ranks[a] for a in cell.covering_ids), default=0)
            present += rank == ACTIVE
            best = max(best, rank)
        expected = len(cells) - counts["not_expected"]
        matrix.cells[(row, column)] = MatrixCell(
            row, column, _aggregate([c.status for c in cells]), expected, counts["active"], counts,
            tuple(sorted(ids)), tuple(cells), present, RANK_PRESENCE[best], communes_of[row])
    return matrix


def _fill_themes(cov: CouncilCoverage, matrix: Matrix, row_of: dict[str, str]) -> None:
    """Theme view: for each commune, the best state of the counted actions addressing each theme."""
    by_commune_theme: dict[tuple[str, str], set[int]] = {}
    for commune in cov.communes:
        for action_id in cov.covering.get(commune.code, ()):
            for theme in cov.actions[action_id].themes:
                by_commune_theme.setdefault((commune.code, theme), set()).add(action_id)
    theme_keys = [c.key for c in matrix.columns]
    row_codes = {header.key: header.communes for header in matrix.rows}
    grouped: dict[tuple[str, str], list[tuple[str, set[int]]]] = {}
    for commune in cov.communes:
        for theme in theme_keys:
            ids = by_commune_theme.get((commune.code, theme), set())
            best = max((cov.ranks[a] for a in ids), default=0)
            status = RANK_STATUS[best] if best else "none"
            grouped.setdefault((row_of[commune.code], theme), []).append((status, ids))
    for (row, column), items in grouped.items():
        counts = {status: 0 for status in ("active", "planned", "lapsed", "none")}
        ids: set[int] = set()
        for status, found in items:
            counts[status] += 1
            ids |= found
        best = max((cov.ranks[a] for a in ids), default=0)
        matrix.cells[(row, column)] = MatrixCell(
            row, column, _aggregate([s for s, _ in items]), len(items), counts["active"], counts, tuple(sorted(ids)),
            (), counts["active"], RANK_PRESENCE[best], tuple(code for code in (row_codes.get(row) or ())))


@dataclass(frozen=True)
class AreaSummary:
    """Figures for a group of communes (an EPCI, a département, a whole council)."""

    key: str
    label: str
    communes: int
    population: int
    expected: int
    counts: dict[str, int]
    score: float | None
    actions_per_10k: float | None
    online_hours_per_10k: float | None


def _summary(cov: CouncilCoverage, key: str, label: str, codes: list[str]) -> AreaSummary:
    """Figures of a group of communes of the council."""
    wanted = set(codes)
    cells = [c for c in cov.cells if c.commune in wanted]
    counts = cov.counts(cells)
    return AreaSummary(key, label, len(codes), sum(cov.commune(c).population for c in codes),
                       len(cells) - counts["not_expected"], counts, score_of(cells),
                       cov.actions_per_10k(codes), cov.online_hours_per_10k(codes))


@dataclass(frozen=True)
class CouncilRow:
    """One council of a comparison: its figures, and whether only its shared actions were counted."""

    council_id: int
    summary: AreaSummary
    shared_only: bool
    is_current: bool


def network_comparison(session: Session, actor: Actor, council_id: int, as_of: dt.date) -> list[CouncilRow]:
    """The council and the councils of its networks, side by side (aggregation by council).

    Each council counts what `actor` may read of it: everything for their own councils (and for an
    administrator), only the actions shared with the networks for the others. By score, best first.
    """
    shared_only_here = coverage_access(session, actor, council_id)
    snapshot = load_snapshot(session, [council_id])
    peers = sorted(snapshot.peers.get(council_id, frozenset()))
    if peers:
        snapshot = load_snapshot(session, [council_id] + peers)
    ranks: dict[int, int] = {}
    areas: dict[int, int] = {}
    rows = []
    for other in [council_id] + peers:
        shared_only = shared_only_here if other == council_id else not can_read_council(actor, other)
        cov = compute_council(snapshot, other, as_of, shared_only=shared_only, ranks=ranks, area_population=areas)
        rows.append(CouncilRow(other, council_summary(cov), shared_only, other == council_id))
    rows.sort(key=lambda r: (-(r.summary.score if r.summary.score is not None else -1), r.summary.label.casefold()))
    return rows


def summaries_by(cov: CouncilCoverage, level: str = "epci") -> list[AreaSummary]:
    """One summary per EPCI (`epci`), département (`dep`) or commune (`commune`) of the council."""
    return [_summary(cov, h.key, h.label, list(h.communes)) for h in _rows(cov, level)]


def council_summary(cov: CouncilCoverage) -> AreaSummary:
    """The whole council's figures."""
    return _summary(cov, f"council:{cov.council_id}", cov.name, [c.code for c in cov.communes])


@dataclass(frozen=True)
class ActionLine:
    """An action behind a matrix cell, as listed under the matrix."""

    id: int
    title: str
    council: str
    own: bool
    status: str
    action_type: str
    publics: tuple[str, ...]
    territories: tuple[str, ...]
    weekly_hours: float | None
    mode: str | None
    reach: tuple[str, ...] = ()       # how it reaches the cell's communes: « directement », « par l'EPCI … »
    start_date: dt.date | None = None


def actions_behind(cov: CouncilCoverage, cell: MatrixCell) -> list[ActionLine]:
    """The counted actions behind a cell, best status first, then title, with the territory through which
    each reaches the cell's communes."""
    codes = cell.communes or tuple(sorted({fc.commune for fc in cell.frame_cells}))
    lines = []
    for action_id in cell.action_ids:
        action = cov.actions[action_id]
        reach: list[str] = []
        for code in codes:
            for key in reach_keys(action, cov.commune(code)):
                label = reach_label(key, cov.territory_names)
                if label not in reach:
                    reach.append(label)
        lines.append(ActionLine(action.id, action.title, cov.council_names.get(action.council_id, "?"),
                                action.council_id == cov.council_id, cov.action_status(action_id),
                                action.action_type, action.publics, action.territory_keys,
                                action.weekly_hours, action.mode, tuple(reach), action.start_date))
    order = {ACTIVE: 0, PLANNED: 1, LAPSED: 2}
    lines.sort(key=lambda line: (order[cov.ranks[line.id]], line.title.casefold()))
    return lines


def rule_text(cell: Cell, commune_name: str, population: int) -> str:
    """The frame rule behind a frame cell: « seuil : 10 000 habitants ; Baron : 1 189 »."""
    if cell.population_min <= 0:
        return "seuil : aucun, toutes les communes"
    return f"seuil : {format_int(cell.population_min)} habitants ; {commune_name} : {format_int(population)}"


def _presence_words(cov: CouncilCoverage, cell: Cell) -> str:
    """What is there on one frame cell, whatever the frame: « couvert (1 action en cours) », « rien »…"""
    by_rank: dict[int, int] = {}
    for action_id in cell.covering_ids:
        rank = cov.ranks[action_id]
        by_rank[rank] = by_rank.get(rank, 0) + 1
    if by_rank.get(ACTIVE):
        return f"couvert ({plural(by_rank[ACTIVE], 'action en cours', 'actions en cours')})"
    if by_rank.get(PLANNED):
        return f"prévu ({plural(by_rank[PLANNED], 'action prévue', 'actions prévues')})"
    if by_rank.get(LAPSED):
        return f"échu ({plural(by_rank[LAPSED], 'action échue', 'actions échues')})"
    return "rien"


def cell_explanation(cov: CouncilCoverage, cell: MatrixCell, vocab: Vocabularies | None = None,
                     limit: int = 12) -> list[str]:
    """Why a matrix cell is what it is, one line per frame cell: expected or not by which rule, and what is
    there (« Adolescents (12-17 ans) à Baron : non attendu (seuil : 3 000 habitants ; Baron : 1 218) ·
    couvert (1 action en cours) »). At most `limit` lines, then « … et N autres »."""
    vocab = vocab or _default_vocabularies()
    lines = []
    for frame_cell in cell.frame_cells[:limit]:
        commune = cov.commune(frame_cell.commune)
        expected = "non attendu" if frame_cell.status == "not_expected" else "attendu"
        state = "" if frame_cell.status == "not_expected" else f", {STATUS_LABELS[frame_cell.status].lower()}"
        lines.append(f"{vocab.label('action_type', frame_cell.action_type)} — "
                     f"{vocab.label('public', frame_cell.public)} à {commune.name} : {expected}{state} "
                     f"({rule_text(frame_cell, commune.name, commune.population)}) · "
                     f"{_presence_words(cov, frame_cell)}")
    if len(cell.frame_cells) > limit:
        lines.append(f"… et {format_int(len(cell.frame_cells) - limit)} autres cellules du référentiel.")
    return lines
