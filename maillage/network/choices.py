"""What the Réseau page offers to pick: networks, territories to look at, years with links, filter options."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from maillage.accounts.access import Actor
from maillage.core.errors import NotFoundError, PermissionDenied
from maillage.core.text import fold
from maillage.geography.footprints import territory_labels
from maillage.network.data import NetworkSource, Scope, require_scope_read
from maillage.partners.partnership import council_footprint
from models import CouncilTerritory, Network


def network_by_name(session: Session, name: str) -> Network:
    """The network named `name` (case and accents ignored); NotFoundError listing a few names otherwise."""
    networks = session.exec(select(Network).order_by(Network.name)).all()
    for network in networks:
        if network.name == name.strip():
            return network
    matches = [n for n in networks if fold(n.name) == fold(name)]
    if len(matches) == 1:
        return matches[0]
    hint = ", ".join(n.name for n in networks[:5])
    raise NotFoundError(f"aucun réseau nommé « {name} »" + (f" (par exemple : {hint})" if hint else ""))


def network_options(session: Session, actor: Actor | None = None) -> dict[int, str]:
    """network id → name, by name: the networks whose graph the actor may read (all without an actor)."""
    options = {n.id: n.name for n in session.exec(select(Network).order_by(Network.name))}
    if actor is None or actor.is_admin:
        return options
    readable = {}
    for network_id, name in options.items():
        try:
            require_scope_read(session, actor, Scope.network(network_id))
        except PermissionDenied:
            continue
        readable[network_id] = name
    return readable


def scope_territories(session: Session, council_id: int | None) -> dict[str, str]:
    """Territories to draw the graph of, around a council: its own territories, their départements and régions."""
    if council_id is None:
        return {}
    keys = list(session.exec(select(CouncilTerritory.territory_key).where(CouncilTerritory.council_id == council_id)).all())
    area = council_footprint(session, council_id)
    keys += [f"epci:{code}" for code in sorted(area.codes["epci"])]
    keys += [f"dep:{code}" for code in sorted(area.codes["dep"])]
    keys += [f"reg:{code}" for code in sorted(area.codes["reg"])]
    keys = list(dict.fromkeys(keys))
    labels = territory_labels(session, keys)
    return {key: labels[key] for key in keys if key in labels}


def filter_territories(session: Session, source: NetworkSource, council_id: int | None = None) -> dict[str, str]:
    """Territories to filter a graph on: the council's territories, then the partners' seat communes by name."""
    keys: list[str] = []
    if council_id is not None:
        keys += session.exec(select(CouncilTerritory.territory_key).where(CouncilTerritory.council_id == council_id)).all()
    seats = sorted({node.commune_key for node in source.nodes.values()})
    subs = sorted({k for node in source.nodes.values() for k in node.territory_keys if k.startswith("sub:")})
    labels = territory_labels(session, list(dict.fromkeys(keys + seats + subs)))
    ordered = list(dict.fromkeys(keys)) + sorted((k for k in seats + subs if k not in keys), key=lambda k: labels.get(k, k))
    return {key: labels.get(key, key) for key in ordered}


def link_years(source: NetworkSource, today: dt.date) -> list[int]:
    """Years offered for « the network as of year Y »: from the oldest dated link or action to this year."""
    starts = [link.start.year for link in source.links if link.start]
    starts += [link.end.year for link in source.links if link.end]
    starts += [action.start.year for action in source.actions]
    first = min(starts, default=today.year - 5)
    first = max(first, today.year - 30)
    return list(range(today.year, first - 1, -1))


def typology_options(source: NetworkSource) -> dict[str, str]:
    """Typologies present in the scope → French label, in vocabulary order."""
    present = source.present_typologies
    return {code: label for code, label in source.typology_labels.items() if code in present}


def declared_kind_options(source: NetworkSource) -> dict[str, str]:
    """The kinds a user declares (not the derived `action`)."""
    return {code: label for code, label in source.kind_labels.items() if code != "action"}



def graph_partner_choices(source: NetworkSource) -> dict[int, str]:
    """Partners of a scope → « name — seat commune », by name (to pick one partner's own network)."""
    ordered = sorted(source.nodes.values(), key=lambda n: (fold(n.name), n.commune_name, n.id))
    return {n.id: f"{n.name} — {n.commune_name}" for n in ordered}
