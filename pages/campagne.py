"""A partner's personal campaign page, reached without an account through its link (`?campagne=…`):
confirm or correct its card, say with whom it works and how closely, save a draft or send the answer."""

import streamlit as st

from maillage.campaigns import (
    LEVEL_DETAILS,
    LEVEL_PHRASES,
    MAX_COMMENT,
    REFUSAL,
    TOKEN_LIMITER,
    TOKEN_PARAMETER,
    Answer,
    CardAnswer,
    LinkAnswer,
    TokenRefused,
    TooManyAttempts,
    open_form,
    reopen_answer,
    save_answer,
)
from maillage.core import (
    MaillageError,
    ValidationError,
    format_date_long,
    format_datetime,
    md,
    session_scope,
)
from ui.session import engine

KEY = "cp_"  # every widget of this page


def refuse(message: str) -> None:
    """The page's only answer to a bad link (the same for every reason)."""
    st.title("Votre fiche partenaire")
    st.error(message)
    st.stop()


def problems_text(error: MaillageError) -> str:
    """A refusal's reasons as an escaped Markdown list."""
    if isinstance(error, ValidationError):
        return "\n".join(f"- {md(message)}" for _field, message in error.problems)
    return md(str(error))


st.set_page_config(page_title="Votre fiche partenaire — Maillage", layout="centered")
token = st.query_params.get(TOKEN_PARAMETER, "")
address = st.context.ip_address
client = address if isinstance(address, str) and address else "adresse inconnue"
if TOKEN_LIMITER.blocked(client):
    refuse(TooManyAttempts().args[0])
try:
    with session_scope(engine()) as session:
        form = open_form(session, token)
except TokenRefused:
    TOKEN_LIMITER.failed(client)
    refuse(REFUSAL)

# The answer being edited lives in the widgets; they start from the saved draft (or the card as it stands).
if st.session_state.get(KEY + "loaded") != form.state + str(form.submitted_at):
    answer = form.answer
    for name in CardAnswer.__dataclass_fields__:
        st.session_state[KEY + name] = getattr(answer.card, name)
    st.session_state[KEY + "network_ids"] = [n for n in answer.card.network_ids if n in form.networks]
    st.session_state[KEY + "partners"] = [link.partner_id for link in answer.links if link.partner_id in form.others]
    for link in answer.links:
        st.session_state[f"{KEY}kinds_{link.partner_id}"] = list(link.kinds)
        st.session_state[f"{KEY}level_{link.partner_id}"] = link.level
    st.session_state[KEY + "ended"] = [p for p in answer.ended if p in form.current_links]
    st.session_state[KEY + "comment"] = answer.comment
    st.session_state[KEY + "loaded"] = form.state + str(form.submitted_at)

st.title("Votre fiche partenaire")
st.markdown(f"**{md(form.partner_name)}** · {md(form.council_name)}")
st.caption(f"Campagne « {md(form.campaign_title)} » · réponse attendue au plus tard le "
           f"{format_date_long(form.deadline)} · cette page vous est personnelle : ne transmettez pas son adresse.")
if notice := st.session_state.pop(KEY + "notice", None):
    st.success(notice)

if not form.can_edit:
    when = format_datetime(form.submitted_at)
    if form.state == "examine":
        st.success(f"Votre réponse envoyée le {md(when)} a été examinée par la coordination. Merci !")
    else:
        st.success(f"Votre réponse a été envoyée le {md(when)}. Merci ! Vous pouvez la rouvrir pour la modifier "
                   f"jusqu'au {format_date_long(form.deadline)}.")
        if st.button("Rouvrir ma réponse", icon=":material/edit:"):
            try:
                with session_scope(engine()) as session:
                    reopen_answer(session, token)
            except TokenRefused:
                refuse(REFUSAL)
            except MaillageError as error:
                st.error(problems_text(error))
            else:
                st.session_state[KEY + "notice"] = "Votre réponse est rouverte : modifiez-la puis renvoyez-la."
                st.rerun()
    st.stop()

st.subheader("1. Votre fiche", divider="gray")
st.caption("Vérifiez chaque champ et corrigez ce qui a changé. Le contact est une adresse professionnelle "
           "(fonction, courriel et téléphone de service).")
st.text_input("Nom de la structure", key=KEY + "name", max_chars=200)
typologies = form.typologies
st.selectbox("Typologie", list(typologies), format_func=typologies.get, key=KEY + "typology")
seat_now = st.session_state.get(KEY + "seat_commune")
st.selectbox("Commune du siège", ([seat_now] if seat_now and seat_now not in form.communes else []) + form.communes,
             key=KEY + "seat_commune", accept_new_options=True, placeholder="Tapez le nom ou le code postal",
             help="Les communes du département sont proposées ; une autre commune peut être tapée puis validée "
                  "par Entrée (avec son code INSEE entre parenthèses si plusieurs communes ont ce nom).")
st.text_input("Site web", key=KEY + "website", max_chars=300, placeholder="https://…")
st.text_input("Nom du contact", key=KEY + "contact_name", max_chars=200)
st.text_input("Fonction du contact", key=KEY + "contact_role", max_chars=200)
st.text_input("Courriel professionnel du contact", key=KEY + "contact_email", max_chars=200)
st.text_input("Téléphone professionnel du contact", key=KEY + "contact_phone", max_chars=40)
if form.networks:
    st.multiselect("Réseaux auxquels vous appartenez", list(form.networks), format_func=form.networks.get,
                   key=KEY + "network_ids", placeholder="Aucun")

st.subheader("2. Avec qui travaillez-vous ?", divider="gray")
st.caption("Parmi les partenaires de l'instance, choisissez ceux avec qui vous travaillez aujourd'hui, puis "
           "dites comment et à quel point. Vos réponses seront relues par la coordination.")
with st.expander("Les quatre niveaux de coopération", icon=":material/help:"):
    st.markdown("\n".join(f"{md(level)}. **{LEVEL_PHRASES[level]}** : {LEVEL_DETAILS[level]}." for level in LEVEL_PHRASES))
chosen = st.multiselect("Partenaires avec qui vous travaillez", list(form.others), format_func=form.others.get,
                        key=KEY + "partners", placeholder="Choisissez un ou plusieurs partenaires")
for other in chosen:
    name = form.others[other]
    with st.container(border=True):
        st.markdown(f"**{md(name)}**")
        st.multiselect(f"Nature du lien avec {md(name)}", list(form.kinds), format_func=form.kinds.get,
                       key=f"{KEY}kinds_{other}", placeholder="Choisissez une ou plusieurs natures")
        level_key = f"{KEY}level_{other}"
        st.radio(f"À quel point travaillez-vous avec {md(name)} ?", list(LEVEL_PHRASES),
                 format_func=lambda level: f"{LEVEL_PHRASES[level]} — {LEVEL_DETAILS[level]}", key=level_key,
                 **({} if level_key in st.session_state else {"index": None}))

stopped_choices = {other: form.others[other] for other in form.current_links if other in form.others}
if stopped_choices:
    st.subheader("3. Liens arrêtés", divider="gray")
    st.multiselect("Partenaires avec qui vous avez cessé de travailler", list(stopped_choices),
                   format_func=stopped_choices.get, key=KEY + "ended", placeholder="Aucun")

st.subheader("4. Commentaire", divider="gray")
st.text_area("Un commentaire pour la coordination (facultatif)", key=KEY + "comment", max_chars=MAX_COMMENT,
             help="Sans coordonnées personnelles : seules les structures sont enregistrées.")


def current_answer() -> Answer:
    """The answer as the widgets hold it."""
    card = CardAnswer(**{name: st.session_state.get(KEY + name) or "" for name in CardAnswer.__dataclass_fields__
                         if name != "network_ids"}, network_ids=list(st.session_state.get(KEY + "network_ids") or []))
    links = [LinkAnswer(other, list(st.session_state.get(f"{KEY}kinds_{other}") or []),
                        st.session_state.get(f"{KEY}level_{other}")) for other in chosen]
    return Answer(card=card, links=links, ended=list(st.session_state.get(KEY + "ended") or []),
                  comment=st.session_state.get(KEY + "comment") or "")


columns = st.columns(2)
draft = columns[0].button("Enregistrer le brouillon", icon=":material/save:", width="stretch")
submit = columns[1].button("Envoyer ma réponse", type="primary", icon=":material/send:", width="stretch")
if draft or submit:
    try:
        with session_scope(engine()) as session:
            save_answer(session, token, current_answer(), submit=submit)
    except TokenRefused:
        refuse(REFUSAL)
    except MaillageError as error:
        st.error("Votre réponse n'a pas été enregistrée :\n" + problems_text(error))
    else:
        if not submit:
            st.session_state[KEY + "notice"] = "Brouillon enregistré : vous pouvez revenir plus tard avec le même lien."
        st.session_state.pop(KEY + "loaded", None)
        st.rerun()
st.caption(f"Lien valable jusqu'au {format_date_long(form.deadline)} inclus. Données traitées par la coordination "
           f"de {md(form.council_name)} ; aucune information sur des personnes accompagnées n'est demandée.")
