"""Tableau de bord: the selected council at a glance."""

import datetime as dt

import streamlit as st

from maillage.campaigns import latest_progress
from maillage.core import (
    council_scope_version,
    database_url,
    format_date,
    format_datetime,
    format_int,
    md,
    plural,
    read_scope,
)
from maillage.restitution import council_overview
from ui.session import current_actor, current_council_id, engine

council_id = current_council_id()
if council_id is None:
    st.title("Tableau de bord")
    st.info("Aucune instance n'est encore enregistrée. Importez vos données depuis la page Données "
            "ou lancez `python -m maillage init --demo` pour découvrir l'outil.")
    st.stop()



@st.cache_data(show_spinner=False, max_entries=64)
def cached_overview(url: str, version: int, actor, council: int, today: dt.date):
    """The dashboard's figures, computed once per data version (and day)."""
    with read_scope(engine()) as session:
        return council_overview(session, actor, council, today)


overview = cached_overview(database_url(), council_scope_version(engine(), council_id), current_actor(), council_id,
                           dt.date.today())

st.title(f"Tableau de bord — {md(overview.name)}")
st.caption(
    f"{md(overview.kind)} · {md(overview.status)} · dernière plénière : {format_date(overview.last_plenary)}"
    + (f" · coordination : {md(overview.coordination_contact)}" if overview.coordination_contact else "")
)
st.markdown("**Territoires :** " + (", ".join(md(name) for name in overview.territories) or "aucun"))

columns = st.columns(5)
columns[0].metric("Partenaires", format_int(overview.partners), help=overview.partners_help)
columns[1].metric("Liens actifs", format_int(overview.links), help=overview.links_help)
columns[2].metric("Actions en cours", format_int(overview.active_actions))
columns[3].metric("Communes couvertes", format_int(overview.communes))
columns[4].metric("Population couverte", format_int(overview.population))

left, right = st.columns(2)
with left:
    st.subheader("Liens par niveau de collaboration")
    st.dataframe(
        [
            {"Niveau": f"{level} — {overview.level_labels.get(level, '')}", "Liens actifs": count}
            for level, count in overview.links_by_level.items()
        ],
        hide_index=True, width="stretch",
    )
with right:
    st.subheader("Actions en cours par type")
    if overview.active_actions_by_type:
        st.dataframe(
            [{"Type d'action": label, "Actions en cours": count} for label, count in overview.active_actions_by_type],
            hide_index=True, width="stretch",
        )
    else:
        st.info("Aucune action en cours.")

st.subheader("À vérifier")
if overview.actions_to_review:
    st.warning(
        f"{plural(len(overview.actions_to_review), 'action')} encore « en cours » après la date de fin prévue : "
        "mettez à jour leur statut."
    )
    st.dataframe(
        [{"Action": title, "Fin prévue": format_date(end)} for title, end in overview.actions_to_review],
        hide_index=True, width="stretch",
    )
if overview.stale_partners:
    st.warning(
        f"{plural(len(overview.stale_partners), 'partenaire')} dont la fiche n'a pas été vérifiée depuis 12 mois."
    )
    st.dataframe(
        [
            {"Partenaire": p.name, "Typologie": p.typology, "Vérifié le": format_date(p.verified_on)}
            for p in overview.stale_partners
        ],
        hide_index=True, width="stretch",
    )
if not overview.actions_to_review and not overview.stale_partners:
    st.success("Rien à signaler : toutes les fiches sont à jour.")

with read_scope(engine()) as session:
    campaign = latest_progress(session, current_actor(), council_id)
if campaign is not None:
    st.subheader("Campagne de mise à jour")
    state = "en cours" if campaign.running else "clôturée" if campaign.closed else "terminée"
    st.caption(f"« {md(campaign.title)} » · {md(state)} · date limite : {format_date(campaign.deadline)}")
    figures = st.columns(4)
    figures[0].metric("Liens envoyés", format_int(campaign.sent))
    figures[1].metric("Ouverts", format_int(campaign.opened))
    figures[2].metric("Réponses envoyées", format_int(campaign.submitted))
    figures[3].metric("Réponses examinées", format_int(campaign.reviewed))
    if campaign.running and campaign.reminders:
        st.info(f"{plural(len(campaign.reminders), 'partenaire')} à relancer, "
                f"{plural(len(campaign.to_review), 'réponse')} à examiner : voir la page Campagnes.")

st.subheader("Dernières modifications")
if overview.latest_changes:
    st.dataframe(
        [
            {"Date": format_datetime(c.at), "Type": c.entity, "Élément": c.label,
             "Opération": "création" if c.created else "modification"}
            for c in overview.latest_changes
        ],
        hide_index=True, width="stretch",
    )
else:
    st.info("Aucune modification pour l'instant.")
