"""Campagnes: before a plenary, ask each partner to update its card and declare its cooperation; follow the
answers, review them item by item, and see the network as declared and as agreed."""

import datetime as dt

import streamlit as st

from maillage.accounts import can_write_council
from maillage.campaigns import (
    DECISION_LABELS,
    TARGETS,
    answer_changes,
    app_base_url,
    campaign_network,
    campaign_progress,
    close_campaign,
    council_campaigns,
    decide,
    invitation,
    is_running,
    links_csv,
    open_campaign,
    paris_day,
    personal_url,
    reissue_link,
    revoke_link,
    send_messages,
    smtp_settings,
    targeted_partners,
)
from maillage.core import (
    MaillageError,
    ValidationError,
    format_date,
    format_date_long,
    format_datetime,
    format_int,
    md,
    plural,
    read_scope,
    session_scope,
)
from maillage.vocabularies import Vocabularies
from ui.session import current_actor, current_council_id, engine
from ui.tables import show_table

ISSUED_KEY = "campaign_issued"  # links just made, shown once: campaign id → list of IssuedLink


def french_error(error: MaillageError) -> str:
    """A refusal as escaped Markdown, one reason per line."""
    if isinstance(error, ValidationError):
        return "\n".join(f"- {md(message)}" for _field, message in error.problems)
    text = str(error)
    return md(text[:1].upper() + text[1:])


def day(moment) -> str:
    """A moment as a Paris date, or a dash."""
    return format_date(paris_day(moment)) if moment else "—"


actor = current_actor()
council_id = current_council_id()
today = paris_day()
st.title("Campagnes de mise à jour")
if council_id is None:
    st.info("Aucune instance sélectionnée.")
    st.stop()
if not can_write_council(actor, council_id):
    st.info("Les campagnes sont gérées par les coordinateurs de l'instance.")
    st.stop()
st.caption("Avant une plénière, chaque partenaire reçoit un lien personnel pour confirmer sa fiche et dire avec qui "
           "il travaille et à quel point. Ses réponses sont des propositions : vous les acceptez ou les rejetez.")

with read_scope(engine()) as session:
    campaigns = council_campaigns(session, actor, council_id)
    vocab = Vocabularies.load(session)
running = next((c for c in campaigns if is_running(c, today)), None)

if running is None:
    with st.expander("Ouvrir une campagne", expanded=not campaigns, icon=":material/campaign:"):
        sectors = vocab.labels("typology_group")
        with st.form("open_campaign"):
            title = st.text_input("Titre", value=f"Plénière {today.year}", max_chars=200)
            deadline = st.date_input("Date limite (incluse)", value=today + dt.timedelta(days=21), min_value=today,
                                     format="DD/MM/YYYY")
            targeting = st.radio("Partenaires visés", list(TARGETS), format_func=TARGETS.get, horizontal=True)
            sector = st.selectbox("Secteur (si « Un secteur »)", list(sectors), format_func=sectors.get)
            opened = st.form_submit_button("Ouvrir la campagne et créer les liens", type="primary")
        if opened:
            try:
                with session_scope(engine()) as session:
                    campaign, links = open_campaign(session, actor, council_id, title, deadline, targeting, sector)
                    campaign_id = campaign.id
            except MaillageError as error:
                st.error(french_error(error))
            else:
                st.session_state.setdefault(ISSUED_KEY, {})[campaign_id] = links
                st.session_state["campaign_pick"] = campaign_id
                st.rerun()
        with read_scope(engine()) as session:
            counts = {key: len(targeted_partners(session, council_id, key, sector, today))
                      for key in ("tous", "non_verifies")}
        st.caption(f"Partenaires de l'instance : {format_int(counts['tous'])} ; fiches non vérifiées depuis 12 mois : "
                   f"{format_int(counts['non_verifies'])}.")

if not campaigns:
    st.info("Aucune campagne pour l'instant dans cette instance.")
    st.stop()


def campaign_label(campaign) -> str:
    """« Titre — jusqu'au JJ/MM/AAAA (ouverte) »."""
    state = "clôturée" if campaign.closed_at else "ouverte" if is_running(campaign, today) else "terminée"
    return f"{campaign.title} — jusqu'au {format_date(campaign.deadline)} ({state})"


by_id = {c.id: c for c in campaigns}
if st.session_state.get("campaign_pick") not in by_id:
    st.session_state["campaign_pick"] = campaigns[0].id
campaign_id = st.selectbox("Campagne", list(by_id), format_func=lambda i: campaign_label(by_id[i]), key="campaign_pick")
campaign = by_id[campaign_id]

with read_scope(engine()) as session:
    progress = campaign_progress(session, actor, campaign_id, today)
council_name = progress.council

issued = st.session_state.get(ISSUED_KEY, {}).get(campaign_id)
if issued:
    st.subheader("Liens personnels à envoyer")
    st.warning("Ces liens ne sont affichés qu'une fois (seule leur empreinte est conservée) : téléchargez le fichier "
               "ou envoyez les messages maintenant. En cas de perte, créez un nouveau lien pour le partenaire.")
    base = st.text_input("Adresse de l'application (début des liens)", value=app_base_url(st.context.url or ""),
                         key="campaign_base_url")
    messages = [invitation(link.partner, link.email, council_name, campaign.title, campaign.deadline,
                           personal_url(base, link.token)) for link in issued]
    st.download_button("Télécharger les liens (CSV pour un publipostage)",
                       links_csv([(m.partner, m.email, personal_url(base, link.token))
                                  for m, link in zip(messages, issued)]).encode("utf-8"),
                       file_name="liens-campagne.csv", mime="text/csv", icon=":material/download:")
    for message in messages:
        with st.expander(f"{md(message.partner)} — {md(message.email) or 'pas de courriel'}"):
            st.caption(f"Objet : {md(message.subject)}")
            st.code(message.body, language=None, wrap_lines=True)
            if message.email:
                st.link_button("Ouvrir dans ma messagerie", message.mailto, icon=":material/mail:")
    if (settings := smtp_settings()) is not None:
        if st.button(f"Envoyer les messages depuis {md(settings.sender)}", icon=":material/send:"):
            try:
                sent, skipped = send_messages(messages, settings)
            except OSError as error:
                st.error(f"Envoi impossible : {md(str(error))}")
            else:
                st.success(f"{plural(sent, 'message envoyé', 'messages envoyés')}."
                           + (f" Sans courriel : {md(', '.join(skipped))}." if skipped else ""))
    if st.button("J'ai envoyé les liens : les masquer", icon=":material/visibility_off:"):
        st.session_state[ISSUED_KEY].pop(campaign_id, None)
        st.rerun()

follow, review, network = st.tabs(["Suivi", "Réponses à examiner", "Réseau déclaré"])
with follow:
    figures = st.columns(4)
    figures[0].metric("Envoyés", format_int(progress.sent))
    figures[1].metric("Ouverts", format_int(progress.opened))
    figures[2].metric("Réponses envoyées", format_int(progress.submitted))
    figures[3].metric("Examinées", format_int(progress.reviewed))
    show_table([{"Partenaire": r.partner, "Courriel": r.email, "État": r.state_label, "Envoyé le": day(r.sent_at),
                   "Ouvert le": day(r.opened_at), "Réponse le": day(r.submitted_at), "Examinée le": day(r.reviewed_at)}
                  for r in progress.rows])
    if progress.running:
        st.subheader("À relancer")
        if progress.reminders:
            st.caption(f"{plural(len(progress.reminders), 'partenaire')} sans réponse. Le lien d'origine reste valable "
                       "jusqu'à la date limite ; un nouveau lien remplace l'ancien.")
            show_table([{"Partenaire": r.partner, "Courriel": r.email, "État": r.state_label}
                          for r in progress.reminders])
        else:
            st.success("Tous les partenaires ont répondu.")
        rows = {r.invite_id: r for r in progress.rows}
        pick = st.selectbox("Partenaire", list(rows), format_func=lambda i: rows[i].partner, key="campaign_partner")
        buttons = st.columns(3)
        if buttons[0].button("Nouveau lien (relance)", icon=":material/autorenew:"):
            try:
                with session_scope(engine()) as session:
                    link = reissue_link(session, actor, pick)
            except MaillageError as error:
                st.error(french_error(error))
            else:
                st.session_state.setdefault(ISSUED_KEY, {}).setdefault(campaign_id, [])
                st.session_state[ISSUED_KEY][campaign_id] = [
                    l for l in st.session_state[ISSUED_KEY][campaign_id] if l.partner_id != link.partner_id] + [link]
                st.rerun()
        if buttons[1].button("Révoquer le lien", icon=":material/link_off:"):
            try:
                with session_scope(engine()) as session:
                    revoke_link(session, actor, pick)
            except MaillageError as error:
                st.error(french_error(error))
            else:
                st.rerun()
        if buttons[2].button("Clôturer la campagne", icon=":material/lock:"):
            with session_scope(engine()) as session:
                close_campaign(session, actor, campaign_id)
            st.rerun()

with review:
    submitted = {r.invite_id: r for r in progress.rows if r.submitted_at is not None}
    if not submitted:
        st.info("Aucune réponse envoyée pour l'instant.")
    else:
        def answer_label(invite_id: int) -> str:
            """« Partenaire — réponse du JJ/MM/AAAA (état) »."""
            row = submitted[invite_id]
            return f"{row.partner} — réponse du {day(row.submitted_at)} ({row.state_label.lower()})"
        to_review = [i for i, r in submitted.items() if r.reviewed_at is None]
        if st.session_state.get("campaign_answer") not in submitted:
            st.session_state["campaign_answer"] = (to_review or list(submitted))[0]
        invite_id = st.selectbox("Réponse", list(submitted), format_func=answer_label, key="campaign_answer")
        with read_scope(engine()) as session:
            changes = answer_changes(session, actor, invite_id, today)
        if notice := st.session_state.pop("campaign_review_notice", None):
            st.success(notice)
        st.caption(f"Réponse envoyée le {format_datetime(changes.submitted_at)} · "
                   f"{plural(changes.confirmed_links, 'lien confirmé', 'liens confirmés')} sans changement.")
        if changes.comment:
            st.markdown("**Commentaire du partenaire**")
            st.text(changes.comment)
        pending = changes.pending
        if pending:
            choices = {"": "À décider", "yes": "Accepter", "no": "Rejeter"}
            with st.form(f"review_{invite_id}"):
                for item in pending:
                    with st.container(border=True):
                        st.markdown(f"**{md(item.category_label)}** · {md(item.label)}")
                        st.markdown(f"{md(item.before)} → **{md(item.after)}**")
                        if item.conflict is not None:
                            st.warning("Les deux partenaires ne décrivent pas ce lien de la même façon.")
                            left, right = st.columns(2)
                            left.markdown(f"**{md(item.conflict.first)}** : {md(item.conflict.first_says)}")
                            right.markdown(f"**{md(item.conflict.second)}** : {md(item.conflict.second_says)}")
                        st.radio(f"Décision — {md(item.label)}", list(choices), format_func=choices.get,
                                 horizontal=True, key=f"decision_{invite_id}_{item.key}")
                cols = st.columns(3)
                save = cols[0].form_submit_button("Enregistrer les décisions", type="primary")
                accept_all = cols[1].form_submit_button("Tout accepter")
                reject_all = cols[2].form_submit_button("Tout rejeter")
            if save or accept_all or reject_all:
                if accept_all or reject_all:
                    decisions = {item.key: bool(accept_all) for item in pending}
                else:
                    decisions = {item.key: st.session_state[f"decision_{invite_id}_{item.key}"] == "yes"
                                 for item in pending if st.session_state.get(f"decision_{invite_id}_{item.key}")}
                if not decisions:
                    st.warning("Aucune décision choisie.")
                else:
                    try:
                        with session_scope(engine()) as session:
                            after = decide(session, actor, invite_id, decisions)
                    except MaillageError as error:
                        st.error(french_error(error))
                    else:
                        accepted = sum(decisions.values())
                        st.session_state["campaign_review_notice"] = (
                            f"{plural(accepted, 'proposition acceptée', 'propositions acceptées')}, "
                            f"{plural(len(decisions) - accepted, 'rejetée', 'rejetées')}"
                            + (" : réponse entièrement examinée." if not after.pending else "."))
                        st.rerun()
        else:
            st.success("Toutes les propositions de cette réponse ont été examinées.")
        done = [item for item in changes.items if item.decision is not None]
        if done:
            st.markdown("**Décisions prises**")
            show_table([{"Type": i.category_label, "Élément": i.label, "Avant": i.before, "Proposé": i.after,
                           "Décision": DECISION_LABELS[i.decision]} for i in done])

with network:
    with read_scope(engine()) as session:
        views = campaign_network(session, actor, campaign_id, today)
    if not views.answered:
        st.info("Aucune réponse envoyée pour l'instant.")
    else:
        st.caption(f"D'après {plural(views.answered, 'réponse envoyée', 'réponses envoyées')} · "
                   f"{plural(views.disputed, 'paire décrite différemment', 'paires décrites différemment')} "
                   "par les deux partenaires.")
        st.markdown("**Liens de l'instance confirmés par les deux partenaires** (vue de plénière)")
        st.caption(f"{plural(views.confirmed, 'lien confirmé', 'liens confirmés')} par les deux partenaires sur "
                   f"{plural(len(views.links), 'lien en cours', 'liens en cours')}.")
        show_table([{"Partenaire": l.first, "Partenaire lié": l.second, "Nature": l.kind, "Niveau": l.level,
                       "Confirmé par les deux": "oui" if l.confirmed_by_both else "non"} for l in views.links])
        st.markdown("**Tel que déclaré** (chaque sens)")
        show_table([{"Déclaré par": r.declarer, "Au sujet de": r.other, "Nature": r.kinds, "Niveau": r.level,
                       "L'autre partenaire dit de même": "oui" if r.confirmed else "non"} for r in views.declared])
        st.markdown("**Tel que convenu** (les deux partenaires disent travailler ensemble)")
        st.caption("Natures citées par les deux ; niveau : le plus bas des deux, ce que chacun reconnaît.")
        show_table([{"Partenaire": r.first, "Partenaire lié": r.second, "Natures communes": r.kinds,
                       "Niveau reconnu": r.level, "Accord": r.status} for r in views.agreed])
st.caption(f"Les liens expirent à la fin du {format_date_long(campaign.deadline)} (heure de Paris).")
