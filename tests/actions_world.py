"""A small world for the actions tests: tiny France, three councils (two in one network), four partners."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from maillage.accounts import Actor
from maillage.actions import ActionDraft
from models import Network, NetworkCouncil
from tests.builders import add_council, add_mini_geography, add_partner

TODAY = dt.date(2026, 11, 29)


@dataclass
class World:
    """Ids of what `build_world` created, and actors of each role."""

    bordeaux: int
    merignac: int
    saintes: int
    ville: int
    caf: int
    asso: int
    college: int
    coordinator: Actor  # of Bordeaux
    other_coordinator: Actor  # of Mérignac (same network as Bordeaux)
    far_coordinator: Actor  # of Saintes (no network)
    official: Actor  # élu of Bordeaux
    network_member: Actor  # member of the network

    def draft(self, **fields) -> ActionDraft:
        """A valid draft of Bordeaux, changed by `fields`."""
        values = dict(
            title="Promeneurs du Net Bordeaux", council_id=self.bordeaux, action_type="presence_en_ligne",
            status="en_cours", start_date=dt.date(2024, 1, 8), territory_keys=["com:33063"],
            publics=["adolescents"], themes=["cyberharcelement"], mode="en_ligne", platforms=["instagram"],
            weekly_hours=6.0, budget_eur=9000.0, fundings=["CAF"], shared=True,
            partners=[(self.ville, "pilote"), (self.caf, "financeur"), (self.asso, "operateur")],
        )
        values.update(fields)
        return ActionDraft(**values)


def build_world(session: Session) -> World:
    """Insert the world and return its ids (the caller commits)."""
    add_mini_geography(session)
    bordeaux = add_council(session, "CLSPD de Bordeaux", ["com:33063"])
    merignac = add_council(session, "CLSPD de Mérignac", ["com:33281"])
    saintes = add_council(session, "CLSPD de Saintes", ["com:17415"])
    network = Network(name="Réseau FFSU Nouvelle-Aquitaine", kind="regional")
    session.add(network)
    session.flush()
    session.add(NetworkCouncil(network_id=network.id, council_id=bordeaux.id))
    session.add(NetworkCouncil(network_id=network.id, council_id=merignac.id))
    ville = add_partner(session, "Ville de Bordeaux", "MUNI", "33063")
    caf = add_partner(session, "CAF de la Gironde", "CAF", "33063")
    asso = add_partner(session, "Association Rénovation", "ASSO", "33281")
    college = add_partner(session, "Collège Cheverus", "EN", "33063")
    session.flush()
    return World(
        bordeaux=bordeaux.id, merignac=merignac.id, saintes=saintes.id,
        ville=ville.id, caf=caf.id, asso=asso.id, college=college.id,
        coordinator=Actor("coord@bordeaux.fr", "coordinateur", frozenset({bordeaux.id})),
        other_coordinator=Actor("coord@merignac.fr", "coordinateur", frozenset({merignac.id})),
        far_coordinator=Actor("coord@saintes.fr", "coordinateur", frozenset({saintes.id})),
        official=Actor("elu@bordeaux.fr", "elu", frozenset({bordeaux.id})),
        network_member=Actor("membre@ffsu.org", "reseau", frozenset(), frozenset({network.id})),
    )
