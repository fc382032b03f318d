"""Node positions computed on the server (fixed seed), so the browser draws without physics.

Each connected component is laid out on its own (Fruchterman–Reingold, numpy), then the components are
packed in rows, largest first; isolated partners end up in a tidy grid after them. networkx's own
spring layout needs scipy above 500 nodes, which the project does not ship.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping

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
