"""Node positions computed on the server (fixed seed), so the browser draws without physics.

Each connected component is laid out on its own (Fruchterman–Reingold, numpy), then the components are
packed in rows, largest first; isolated partners end up in a tidy grid after them. networkx's own
spring layout needs scipy above 500 nodes, which the project does not ship.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

SEED = 42
NODE_SPACING = 150.0  # pixels per node, roughly (labels are wide)


def _force_layout(size: int, edges: list[tuple[int, int]], seed: int, iterations: int | None = None) -> np.ndarray:
    """Fruchterman–Reingold positions in the unit square for one connected component."""
    if size == 1:
        return np.array([[0.5, 0.5]])
    if iterations is None:
        # Fewer rounds for big components: each costs size² work, and they settle sooner in relative terms.
        iterations = max(30, min(150, 30000 // size))
    rng = np.random.default_rng(seed)
    pos = rng.random((size, 2))
    adjacency = np.zeros((size, size))
    for a, b in edges:
        adjacency[a, b] = adjacency[b, a] = 1.0
    k = 1.6 / math.sqrt(size)  # a little more room than the textbook value: labels need it
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        distance = np.sqrt(dx * dx + dy * dy)
        np.clip(distance, 0.01, None, out=distance)
        force = k * k / (distance * distance) - adjacency * distance / k
        displacement = np.stack(((dx * force).sum(axis=1), (dy * force).sum(axis=1)), axis=1)
        length = np.sqrt((displacement * displacement).sum(axis=1))
        np.clip(length, 0.01, None, out=length)
        pos += displacement * (temperature / length)[:, None]
        temperature -= cooling
    pos -= pos.min(axis=0)
    span = pos.max(axis=0)
    span[span == 0] = 1.0
    return pos / span.max()


def connected_components(nodes: list[Hashable], neighbours: Mapping[Hashable, Iterable[Hashable]]) -> list[list[Hashable]]:
    """Connected components, largest first, members (and ties) in the order of `nodes`."""
    seen: set = set()
    found = []
    for start in nodes:
        if start in seen:
            continue
        seen.add(start)
        stack, members = [start], []
        while stack:
            node = stack.pop()
            members.append(node)
            for other in neighbours[node]:
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        found.append(members)
    order = {node: i for i, node in enumerate(nodes)}
    for members in found:
        members.sort(key=order.get)
    found.sort(key=lambda c: (-len(c), order[c[0]]))
    return found


def _components(nodes: list[Hashable], edges: list[tuple[Hashable, Hashable]]) -> list[list[Hashable]]:
    """Connected components of an edge list, largest first, members in the given order."""
    neighbours: dict[Hashable, list[Hashable]] = {node: [] for node in nodes}
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    return connected_components(nodes, neighbours)


def layout(nodes: list[Hashable], edges: list[tuple[Hashable, Hashable]], seed: int = SEED,
           spacing: float = NODE_SPACING) -> dict[Hashable, tuple[float, float]]:
    """Pixel positions for `nodes` (in a stable order) joined by `edges`; same input, same output."""
    if not nodes:
        return {}
    positions: dict[Hashable, tuple[float, float]] = {}
    groups = _components(nodes, edges)
    boxes = []
    for number, members in enumerate(groups):
        index = {node: i for i, node in enumerate(members)}
        local = [(index[a], index[b]) for a, b in edges if a in index and b in index]
        side = spacing * max(1.0, math.sqrt(len(members)) * 1.6) if len(members) > 1 else spacing * 1.4
        pos = _force_layout(len(members), local, seed + number) * (side - spacing * 0.6 if len(members) > 1 else 0)
        boxes.append((members, pos, side))
    total_area = sum(side * side for _m, _p, side in boxes)
    row_width = max(boxes[0][2], math.sqrt(total_area) * 1.3)
    x = y = row_height = 0.0
    for members, pos, side in boxes:
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in zip(members, pos):
            positions[node] = (round(x + px + spacing * 0.3, 1), round(y + py + spacing * 0.3, 1))
        x += side
        row_height = max(row_height, side)
    return positions


# ---------------------------------------------------------------------------------------------------------------
# Readable layouts: label boxes, collision pass, incremental placement (stable positions), clusters.

FONT_FILE = Path(__file__).resolve().parents[2] / "data" / "fonts" / "DejaVuSans.ttf"
LABEL_GAP = 4.0  # pixels between a node and its label (vis-network draws the label under the node)
LINE_HEIGHT = 1.2  # label line height, in font sizes
BOX_PAD = 6.0  # free space kept between two boxes
SIDEWAYS = 1.2  # push boxes sideways when that moves them less than this times the vertical move
WRAP = 24  # characters per label line
MAX_LINES = 3


@dataclass(frozen=True)
class Box:
    """The room one node takes: its shape (radius) and its label under it (width, height)."""

    radius: float
    width: float = 0.0
    height: float = 0.0

    def extent(self) -> tuple[float, float, float]:
        """(half width, half height, vertical offset of the box centre below the node centre)."""
        below = self.radius + (LABEL_GAP + self.height if self.height else 0.0)
        return max(self.width / 2, self.radius), (self.radius + below) / 2, (below - self.radius) / 2


@lru_cache(maxsize=8)
def _font(size: int):
    """DejaVu Sans at `size` pixels (the widest common sans-serif: estimates err on the wide side)."""
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_FILE), size)


@lru_cache(maxsize=20000)
def text_width(text: str, size: float) -> float:
    """Width in pixels of `text` in DejaVu Sans at `size` pixels."""
    return float(_font(100).getlength(text)) * size / 100.0


def wrap_label(text: str, width: int = WRAP, lines: int = MAX_LINES) -> str:
    """`text` cut between words into lines of about `width` characters (at most `lines`, the last ending with `…`)."""
    words = text.split()
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if current and len(candidate) > width:
            out.append(current)
            current = word
        else:
            current = candidate
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: max(1, width - 1)].rstrip() + "…"
    return "\n".join(out) if out else text


def label_size(label: str, font: float) -> tuple[float, float]:
    """(width, height) in pixels of a (possibly multi-line) label at `font` pixels."""
    if not label or font <= 0:
        return 0.0, 0.0
    lines = label.split("\n")
    return max(text_width(line, font) for line in lines) + 2.0, len(lines) * font * LINE_HEIGHT + 2.0


def box_rect(x: float, y: float, box: Box) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a node's box at (x, y)."""
    half_w, half_h, offset = box.extent()
    return x - half_w, y + offset - half_h, x + half_w, y + offset + half_h


def overlapping(rects: list[tuple[float, float, float, float]], pad: float = 0.0) -> list[tuple[int, int]]:
    """Pairs (i < j) of rectangles that overlap (closer than `pad`)."""
    if len(rects) < 2:
        return []
    r = np.array(rects)
    left, top, right, bottom = (r[:, k] for k in range(4))
    across = (left[:, None] < right[None, :] + pad) & (left[None, :] < right[:, None] + pad)
    down = (top[:, None] < bottom[None, :] + pad) & (top[None, :] < bottom[:, None] + pad)
    hits = np.argwhere(np.triu(across & down, 1))
    return [(int(i), int(j)) for i, j in hits]


def resolve_overlaps(positions: np.ndarray, boxes: list[Box], fixed: np.ndarray | None = None,
                     pad: float = BOX_PAD, rounds: int = 400) -> np.ndarray:
    """Push boxes apart until none overlap (deterministic); `fixed` nodes never move."""
    pos = positions.astype(float).copy()
    n = len(pos)
    if n < 2:
        return pos
    extents = np.array([b.extent() for b in boxes])
    # more room sideways than up and down: two labels side by side must not read as one line
    half_w, half_h, offset = extents[:, 0] + pad * 1.0, extents[:, 1] + pad / 2, extents[:, 2]
    movable = np.ones(n) if fixed is None else (~fixed).astype(float)
    jitter = np.array([[math.cos(i * 2.399963), math.sin(i * 2.399963)] for i in range(n)])  # golden angle
    for _ in range(rounds):
        cx, cy = pos[:, 0], pos[:, 1] + offset
        dx = cx[:, None] - cx[None, :]
        dy = cy[:, None] - cy[None, :]
        over_x = half_w[:, None] + half_w[None, :] - np.abs(dx)
        over_y = half_h[:, None] + half_h[None, :] - np.abs(dy)
        hit = (over_x > 0) & (over_y > 0)
        np.fill_diagonal(hit, False)
        if not hit.any():
            break
        # push along the axis that needs the smaller move; share it between the two (or give it all to the free one)
        along_x = over_x <= over_y * SIDEWAYS
        sign_x = np.where(dx == 0, np.sign(jitter[:, 0:1] - jitter[None, :, 0]), np.sign(dx))
        sign_y = np.where(dy == 0, np.sign(jitter[:, 1:2] - jitter[None, :, 1]), np.sign(dy))
        sign_x[sign_x == 0] = 1.0
        sign_y[sign_y == 0] = 1.0
        share = movable[None, :] / np.clip(movable[:, None] + movable[None, :], 1e-9, None)
        share = np.where(movable[:, None] > 0, share, 0.0)
        share = np.where((movable[:, None] > 0) & (movable[None, :] == 0), 1.0, share)
        move_x = np.where(hit & along_x, sign_x * (over_x + 0.5) * share, 0.0).sum(axis=1)
        move_y = np.where(hit & ~along_x, sign_y * (over_y + 0.5) * share, 0.0).sum(axis=1)
        pos[:, 0] += move_x * 0.6
        pos[:, 1] += move_y * 0.6
    return pos


def _scaled_force_layout(nodes: list[Hashable], edges: list[tuple[Hashable, Hashable]], boxes: list[Box],
                         seed: int) -> np.ndarray:
    """Compact component-packed force layout, spaced so that the boxes roughly fit, 3:2 landscape."""
    mean_area = sum((2 * b.extent()[0] + BOX_PAD) * (2 * b.extent()[1] + BOX_PAD) for b in boxes) / len(boxes)
    spacing = math.sqrt(mean_area) * 1.05
    placed = layout(nodes, edges, seed=seed, spacing=spacing)
    pos = np.array([placed[node] for node in nodes], dtype=float)
    pos[:, 0] *= 1.25
    pos[:, 1] /= 1.25
    return pos


def readable_layout(nodes: list[Hashable], edges: list[tuple[Hashable, Hashable]], boxes: Mapping[Hashable, Box],
                    previous: Mapping[Hashable, tuple[float, float]] | None = None, seed: int = SEED,
                    groups: Mapping[Hashable, str] | None = None,
                    names: Mapping[str, str] | None = None) -> dict[Hashable, tuple[float, float]]:
    """Positions where no two boxes overlap. Nodes already in `previous` keep their place; new ones are put
    near their placed neighbours (or their group) in free room, so adding a partner or a link moves nothing else.
    Without `previous`: a fresh layout (clusters per group when `groups` is given)."""
    if not nodes:
        return {}
    kept = {node: tuple(previous[node]) for node in nodes if previous and node in previous}
    if not kept:
        if groups is not None:
            return clustered_layout(nodes, edges, boxes, groups, seed, names)
        box_list = [boxes[node] for node in nodes]
        best, best_scale = None, -1.0
        # small graphs: three starts, the one that lets the labels be drawn largest wins
        for attempt in range(TRIES if len(nodes) <= TRY_MAX_NODES else 1):
            pos = resolve_overlaps(_scaled_force_layout(nodes, edges, box_list, seed + 101 * attempt), box_list)
            pos = compact(pos, box_list)
            scale = fit_scale(pos, box_list, (1000.0 * FRAME_ASPECT, 1000.0))
            if scale > best_scale:
                best, best_scale = pos, scale
        return _rounded(nodes, best)
    return place_new(nodes, edges, boxes, kept, groups)


TRIES, TRY_MAX_NODES = 4, 80
FRAME_ASPECT = 1.25  # width / height of the drawing frame the layout should fill
COMPACT_MAX_NODES = 400  # above, the compaction rounds cost more than they bring
COMPACT_ROUNDS = 120  # collision rounds after each squeeze (a squeeze that needs more is dropped)


def fit_scale(pos: np.ndarray, boxes: list[Box], frame: tuple[float, float]) -> float:
    """The zoom at which every box fits in a `frame` (width, height) of pixels."""
    rects = np.array([box_rect(x, y, b) for (x, y), b in zip(pos, boxes)])
    width = rects[:, 2].max() - rects[:, 0].min()
    height = rects[:, 3].max() - rects[:, 1].min()
    return min(frame[0] / max(width, 1.0), frame[1] / max(height, 1.0))


def compact(pos: np.ndarray, boxes: list[Box], aspect: float | None = None, rounds: int = 14) -> np.ndarray:
    """Squeeze a collision-free layout toward the frame's shape while no boxes overlap: the best zoom wins."""
    if len(pos) < 3 or len(pos) > COMPACT_MAX_NODES:
        return pos
    aspect = aspect or FRAME_ASPECT
    frame = (1000.0 * aspect, 1000.0)
    best, best_scale = pos, fit_scale(pos, boxes, frame)
    current = pos
    for _ in range(rounds):
        rects = np.array([box_rect(x, y, b) for (x, y), b in zip(current, boxes)])
        width = rects[:, 2].max() - rects[:, 0].min()
        height = rects[:, 3].max() - rects[:, 1].min()
        # squeeze the dimension that limits the zoom more
        fx, fy = (0.86, 0.96) if width / max(height, 1.0) > aspect else (0.96, 0.86)
        centre = current.mean(axis=0)
        squeezed = (current - centre) * np.array([fx, fy]) + centre
        current = resolve_overlaps(squeezed, boxes, rounds=COMPACT_ROUNDS)
        if overlapping([box_rect(x, y, b) for (x, y), b in zip(current, boxes)]):
            continue
        scale = fit_scale(current, boxes, frame)
        if scale > best_scale:
            best, best_scale = current, scale
    return best


def _rounded(nodes: list[Hashable], pos: np.ndarray) -> dict[Hashable, tuple[float, float]]:
    """node → (x, y) rounded to 0.1 px, the top-left corner of the layout near (0, 0)."""
    pos = pos - pos.min(axis=0) + 40.0
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in zip(nodes, pos)}


def place_new(nodes: list[Hashable], edges: list[tuple[Hashable, Hashable]], boxes: Mapping[Hashable, Box],
              kept: Mapping[Hashable, tuple[float, float]],
              groups: Mapping[Hashable, str] | None = None) -> dict[Hashable, tuple[float, float]]:
    """Keep `kept` positions; put each other node at the first free spot on a spiral around its placed neighbours
    (or its group's centre, or the layout's edge). Deterministic."""
    positions = dict(kept)
    neighbours: dict[Hashable, list[Hashable]] = {node: [] for node in nodes}
    for a, b in edges:
        if a in neighbours and b in neighbours:
            neighbours[a].append(b)
            neighbours[b].append(a)
    order = {node: i for i, node in enumerate(nodes)}
    waiting = [node for node in nodes if node not in positions]
    rects = [box_rect(*positions[node], boxes[node]) for node in positions]
    while waiting:
        waiting.sort(key=lambda n: (-sum(1 for o in neighbours[n] if o in positions), order[n]))
        node = waiting.pop(0)
        anchors = [positions[o] for o in neighbours[node] if o in positions]
        if not anchors and groups is not None:
            anchors = [positions[o] for o in positions if groups.get(o) == groups.get(node)]
        if anchors:
            centre = (sum(p[0] for p in anchors) / len(anchors), sum(p[1] for p in anchors) / len(anchors))
        else:
            xs = [p[0] for p in positions.values()] or [0.0]
            ys = [p[1] for p in positions.values()] or [0.0]
            centre = (max(xs) + 80.0, (min(ys) + max(ys)) / 2)
        positions[node] = _free_spot(centre, boxes[node], rects)
        rects.append(box_rect(*positions[node], boxes[node]))
    return {node: (round(positions[node][0], 1), round(positions[node][1], 1)) for node in nodes}


def _free_spot(centre: tuple[float, float], box: Box, rects: list[tuple[float, float, float, float]]) -> tuple[float, float]:
    """The first point of a spiral around `centre` where `box` overlaps none of `rects`."""
    step = max(12.0, box.extent()[1])
    r = np.array(rects) if rects else np.zeros((0, 4))
    for ring in range(0, 400):
        count = 1 if ring == 0 else 8 + ring * 2
        for k in range(count):
            angle = 2 * math.pi * k / count + ring * 0.37
            x = centre[0] + ring * step * 1.6 * math.cos(angle)
            y = centre[1] + ring * step * math.sin(angle)
            left, top, right, bottom = box_rect(x, y, box)
            if not len(r) or not np.any((left < r[:, 2] + BOX_PAD) & (r[:, 0] < right + BOX_PAD)
                                        & (top < r[:, 3] + BOX_PAD) & (r[:, 1] < bottom + BOX_PAD)):
                return (x, y)
    return centre


CLUSTER_MARGIN = 26.0  # room around a cluster's boxes for its outline
HULL_PAD = 18.0  # the outline's distance to the boxes
HULL_FONT = 24.0  # a group's name, above its outline, in pixels at zoom 1


def clustered_layout(nodes: list[Hashable], edges: list[tuple[Hashable, Hashable]], boxes: Mapping[Hashable, Box],
                     groups: Mapping[Hashable, str], seed: int = SEED,
                     names: Mapping[str, str] | None = None) -> dict[Hashable, tuple[float, float]]:
    """Each group laid out on its own, then the groups (with their outline and the name above it) placed by their
    links (force layout), pushed apart and squeezed together."""
    label_height = HULL_FONT * LINE_HEIGHT * 2 + 6
    members: dict[str, list[Hashable]] = {}
    for node in nodes:
        members.setdefault(groups[node], []).append(node)
    keys = sorted(members, key=lambda k: (-len(members[k]), k))
    local: dict[str, dict[Hashable, tuple[float, float]]] = {}
    frames: list[Box] = []
    for key in keys:
        inside = set(members[key])
        sub_edges = [(a, b) for a, b in edges if a in inside and b in inside]
        placed = readable_layout(members[key], sub_edges, boxes, seed=seed)
        pts = np.array(list(placed.values()))
        rects = np.array([box_rect(*placed[n], boxes[n]) for n in members[key]])
        left, top = rects[:, 0].min(), rects[:, 1].min()
        right, bottom = rects[:, 2].max(), rects[:, 3].max()
        centre = ((left + right) / 2, (top + bottom) / 2)
        # the name sits above the outline: the frame's centre is half a name's height above the boxes' centre
        local[key] = {n: (p[0] - centre[0], p[1] - centre[1] + label_height / 2) for n, p in zip(members[key], pts)}
        name_width = max(text_width(line, HULL_FONT) for line in (names or {}).get(key, str(key)).split("\n")) * 1.1 + 16
        frames.append(Box(radius=(bottom - top + label_height) / 2 + CLUSTER_MARGIN,
                          width=max(right - left + 2 * CLUSTER_MARGIN, name_width)))
    between: set[tuple[str, str]] = set()
    for a, b in edges:
        ga, gb = groups[a], groups[b]
        if ga != gb:
            between.add((min(ga, gb), max(ga, gb)))
    centres = _scaled_force_layout(keys, sorted(between), frames, seed)
    centres = compact(resolve_overlaps(centres, frames, pad=BOX_PAD * 2), frames)
    positions = np.array([[centres[keys.index(groups[n])][0] + local[groups[n]][n][0],
                           centres[keys.index(groups[n])][1] + local[groups[n]][n][1]] for n in nodes])
    return _rounded(nodes, positions)


def convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Convex hull (monotone chain), counter-clockwise, of a set of points."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o, a, b):
        """z of (a - o) × (b - o)."""
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]
