"""Tableau de bord: the selected council at a glance, tuned to the reader's role (maillage.restitution.home):
a coordinator reads « À faire » first, an elected official figures, trends and the summary only."""

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
from maillage.restitution import (
    CAMPAIGN,
    JOURNAL,
    SUMMARY,
    TODO,
    TRENDS,
    coordinator_next_steps,
    council_overview,
    council_report,
    council_todo,
    elected_next_steps,
    home_sections,
)
from ui.session import current_actor, current_council_id, engine
from ui.tables import show_table

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


@st.cache_data(show_spinner=False, max_entries=64)
def cached_todo(url: str, version: tuple[int, ...], actor, council: int, today: dt.date):
    """The « à faire » list, once per version of the council and its networks (its coverage suggestions read
    the network's councils, whose edits move their networks' versions)."""
    with read_scope(engine()) as session:
        return council_todo(session, actor, council, today)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_report(url: str, version: int, actor, council: int, today: dt.date):
    """This year's summary (figures and their trends), once per data version and day."""
    with read_scope(engine()) as session:
        return council_report(session, actor, council, None, today, with_network=False)


actor = current_actor()
today = dt.date.today()
sections = home_sections(actor.role)
overview = cached_overview(database_url(), council_scope_version(engine(), council_id), actor, council_id, today)

st.title(f"Tableau de bord — {md(overview.name)}")
st.caption(
    f"{md(overview.kind)} · {md(overview.status)} · dernière plénière : {format_date(overview.last_plenary)}"
    + (f" · coordination : {md(overview.coordination_contact)}" if overview.coordination_contact else "")
)
st.markdown("**Territoires :** " + (", ".join(md(name) for name in overview.territories) or "aucun"))

if TODO in sections:
    todo = cached_todo(database_url(), council_scope_version(engine(), council_id), actor, council_id, today)
    st.info(md(coordinator_next_steps(todo)), icon=":material/directions:")
    st.subheader("À faire")
    if not todo:
        st.success("Rien à faire pour l'instant : les actions, les fiches et la plénière sont à jour.")
    for item in todo:
        with st.container(border=True):
            st.markdown(f"**{md(item.title)}** — {md(item.detail)}")
            for target in item.links:
                st.page_link(target.page, label=md(target.label), query_params=target.query,
                             icon=":material/arrow_forward:")
            if item.more:
                st.caption(f"… et {format_int(item.more)} de plus : voir la liste complète sur la page concernée.")
if SUMMARY in sections:
    report = cached_report(database_url(), council_scope_version(engine(), council_id), actor, council_id, today)
    st.info(md(elected_next_steps(overview.name, report.year, report.active_actions, report.gap_cells,
                                  overview.coordination_contact)), icon=":material/directions:")
    st.page_link("pages/synthese_elus.py", label=f"Ouvrir la synthèse {md(report.year)} à imprimer",
                 icon=":material/summarize:", query_params={"instance": str(council_id)})

columns = st.columns(5)
columns[0].metric("Partenaires", format_int(overview.partners), help=overview.partners_help)
columns[1].metric("Liens actifs", format_int(overview.links), help=overview.links_help)
columns[2].metric("Actions en cours", format_int(overview.active_actions))
columns[3].metric("Communes couvertes", format_int(overview.communes))
columns[4].metric("Population couverte", format_int(overview.population))

left, right = st.columns(2)
with left:
    st.subheader("Liens par niveau de collaboration")
    show_table([
            {"Niveau": f"{level} — {overview.level_labels.get(level, '')}", "Liens actifs": count}
            for level, count in overview.links_by_level.items()
        ])
with right:
    st.subheader("Actions en cours par type")
    if overview.active_actions_by_type:
        show_table([{"Type d'action": label, "Actions en cours": count} for label, count in overview.active_actions_by_type],
                   pin_first=False)  # two columns: nothing to scroll, the type's full name shown
    else:
        st.info("Aucune action en cours.")

if TRENDS in sections:
    st.subheader(f"Tendances {md(report.year)}" + (" (chiffres provisoires)" if report.provisional else ""))
    figures = st.columns(4)
    for index, figure in enumerate(report.figures):
        trend = figure.trend
        figures[index % 4].metric(
            figure.label, figure.text,
            delta=figure.change_text(report.previous_year) if trend is not None else None,
            delta_arrow={"up": "up", "down": "down"}.get(trend or "", "off"),
            delta_color="off" if figure.improved is None else ("normal" if figure.improved == (trend == "up")
                                                              else "inverse"))
    if report.sentences:
        st.subheader("En bref")
        st.markdown("\n".join(f"- {md(sentence)}" for sentence in report.sentences))
    st.stop()  # nothing below is for an elected official: no to-do list, no campaign, no journal

if TODO not in sections:
    st.subheader("À vérifier")
if TODO not in sections and overview.actions_to_review:
    st.warning(
        f"{plural(len(overview.actions_to_review), 'action')} encore « en cours » après la date de fin prévue : "
        "mettez à jour leur statut."
    )
    show_table([{"Action": title, "Fin prévue": format_date(end)} for title, end in overview.actions_to_review])
if TODO not in sections and overview.stale_partners:
    st.warning(
        f"{plural(len(overview.stale_partners), 'partenaire')} dont la fiche n'a pas été vérifiée depuis 12 mois."
    )
    show_table([
            {"Partenaire": p.name, "Typologie": p.typology, "Vérifié le": format_date(p.verified_on)}
            for p in overview.stale_partners
        ])
if TODO not in sections and not overview.actions_to_review and not overview.stale_partners:
    st.success("Rien à signaler : toutes les fiches sont à jour.")

campaign = None
if CAMPAIGN in sections:
    with read_scope(engine()) as session:
        campaign = latest_progress(session, actor, council_id)
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

if JOURNAL in sections:
    st.subheader("Dernières modifications")
if JOURNAL in sections and overview.latest_changes:
    show_table([
            {"Date": format_datetime(c.at), "Type": c.entity, "Élément": c.label,
             "Opération": "création" if c.created else "modification"}
            for c in overview.latest_changes
        ])
elif JOURNAL in sections:
    st.info("Aucune modification pour l'instant.")
