"""Campaigns: personal links (hashed, expiring, revocable), the partner's answer, the review as a change set,
follow-up, and the network « tel que déclaré » / « tel que convenu »."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from sqlmodel import select

from maillage.accounts import Actor
from maillage.campaigns import (
    REFUSAL,
    Answer,
    CardAnswer,
    Declaration,
    LinkAnswer,
    RateLimiter,
    TokenRefused,
    answer_changes,
    as_agreed,
    as_declared,
    campaign_network,
    campaign_progress,
    close_campaign,
    decide,
    invitation,
    links_csv,
    merge_answers,
    merge_pair,
    open_campaign,
    open_form,
    paris_day,
    personal_url,
    reissue_link,
    reopen_answer,
    revoke_link,
    save_answer,
    send_messages,
    smtp_settings,
    token_hash,
)
from maillage.core import (
    ConflictError,
    PermissionDenied,
    ValidationError,
    session_scope,
)
from models import AuditEntry, CampaignInvite, CooperationLink, Partner
from tests.builders import add_council, add_link, add_mini_geography, add_partner

TODAY = dt.date(2026, 11, 29)
DEADLINE = dt.date(2026, 12, 15)


# ------------------------------------------------------------------ merging declarations (pure)

def test_merge_pair_concordant_divergent_one_sided_and_ended():
    a_says = Declaration(1, 2, frozenset({"convention", "echange"}), 3)
    b_same = Declaration(2, 1, frozenset({"convention", "echange"}), 3)
    merged = merge_pair(a_says, b_same, {1, 2})
    assert (merged.a, merged.b, merged.status, merged.kinds, merged.level) == (1, 2, "concordant",
                                                                               frozenset({"convention", "echange"}), 3)
    assert merged.agreed

    b_lower = Declaration(2, 1, frozenset({"echange", "orientation"}), 2)
    merged = merge_pair(b_lower, a_says, {1, 2})  # order of the arguments does not matter
    assert (merged.a, merged.status, merged.kinds, merged.level) == (1, "divergent", frozenset({"echange"}), 2)
    assert merged.a_says == a_says and merged.b_says == b_lower and merged.agreed

    merged = merge_pair(a_says, None, {1, 2})
    assert (merged.status, merged.kinds, merged.level, merged.b_answered, merged.agreed) == (
        "unilateral", frozenset(), None, True, False)
    assert merge_pair(a_says, None, {1}).b_answered is False

    ended = Declaration(2, 1, ended=True)
    merged = merge_pair(a_says, ended, {1, 2})
    assert (merged.status, merged.agreed, merged.level) == ("divergent", False, None)
    assert merge_pair(Declaration(1, 2, ended=True), ended, {1, 2}).status == "ended"

    with pytest.raises(ValueError):
        merge_pair(a_says, Declaration(3, 1, frozenset({"convention"}), 1), {1, 3})


def _answer(links=(), ended=()):
    return Answer(links=[LinkAnswer(other, list(kinds), level) for other, kinds, level in links], ended=list(ended))


def test_as_declared_and_as_agreed_views():
    answers = {
        1: _answer([(2, ["convention"], 3), (3, ["echange"], 1)]),
        2: _answer([(1, ["convention"], 3), (3, ["orientation", "echange"], 2)]),
        3: _answer([(2, ["echange"], 4)], ended=[1]),
    }
    declared = as_declared(answers)
    assert [(r.declarer, r.other, r.kinds, r.level, r.ended, r.confirmed) for r in declared] == [
        (1, 2, ("convention",), 3, False, True),
        (1, 3, ("echange",), 1, False, False),
        (2, 1, ("convention",), 3, False, True),
        (2, 3, ("echange", "orientation"), 2, False, False),
        (3, 2, ("echange",), 4, False, False),
        (3, 1, (), None, True, False),
    ]
    agreed = as_agreed(answers)
    assert [(m.a, m.b, m.status, tuple(sorted(m.kinds)), m.level) for m in agreed] == [
        (1, 2, "concordant", ("convention",), 3),
        (2, 3, "divergent", ("echange",), 2),  # the kind both cite, the lower level
    ]
    statuses = {(m.a, m.b): m.status for m in merge_answers(answers)}
    assert statuses == {(1, 2): "concordant", (1, 3): "divergent", (2, 3): "divergent"}
    # A pair only one side mentions stays « déclaré d'un seul côté », out of the agreed network.
    one_sided = merge_answers({1: _answer([(4, ["convention"], 2)])})
    assert [(m.status, m.b_answered) for m in one_sided] == [("unilateral", False)]
    assert as_agreed({1: _answer([(4, ["convention"], 2)])}) == []


def test_answer_round_trips_through_json():
    answer = Answer(CardAnswer(name="<b>x</b>", network_ids=[2]), [LinkAnswer(3, ["echange"], 2)], [4], "Merci")
    assert Answer.from_json(answer.to_json()) == answer
    assert Answer.from_json("") == Answer()


# ------------------------------------------------------------------ a small world

@pytest.fixture
def world(empty_engine):
    """Bordeaux council with four partners (two linked), Saintes council with one partner."""
    with session_scope(empty_engine) as session:
        add_mini_geography(session)
        bordeaux = add_council(session, "CLSPD de Bordeaux", ["com:33063"])
        saintes = add_council(session, "CLSPD de Saintes", ["com:17415"])
        ville = add_partner(session, "Ville de Bordeaux", "MUNI", verified_on=TODAY, contact_email="ville@bordeaux.fr")
        cs = add_partner(session, "Centre social Benauge", "CS", contact_email="cs@benauge.fr")
        club = add_partner(session, "Club de prévention", "PREVENTION", verified_on=dt.date(2024, 1, 1))
        college = add_partner(session, "Collège Jean Zay", "EN")
        caf = add_partner(session, "CAF de Charente-Maritime", "CAF", seat="17415")
        link = add_link(session, bordeaux, ville, cs, "convention", 2)
        return dict(engine=empty_engine, bordeaux=bordeaux.id, saintes=saintes.id, ville=ville.id, cs=cs.id,
                    club=club.id, college=college.id, caf=caf.id, link=link.id)


def coordinator(council_id):
    return Actor("coord@bordeaux.fr", "coordinateur", frozenset({council_id}))


def _open(world, **kwargs):
    with session_scope(world["engine"]) as session:
        campaign, links = open_campaign(session, coordinator(world["bordeaux"]), world["bordeaux"],
                                        kwargs.pop("title", "Plénière 2026"), kwargs.pop("deadline", DEADLINE),
                                        today=TODAY, **kwargs)
        return campaign.id, {link.partner: link for link in links}


def test_open_campaign_makes_one_hashed_link_per_partner(world):
    campaign_id, links = _open(world)
    assert sorted(links) == ["Centre social Benauge", "Club de prévention", "Collège Jean Zay", "Ville de Bordeaux"]
    tokens = [link.token for link in links.values()]
    assert len(set(tokens)) == 4 and all(len(t) >= 43 for t in tokens)  # 32 random bytes, url-safe
    assert links["Ville de Bordeaux"].email == "ville@bordeaux.fr"
    with session_scope(world["engine"]) as session:
        invites = session.exec(select(CampaignInvite)).all()
        stored = {i.token_hash for i in invites}
        assert stored == {token_hash(t) for t in tokens}
        dump = json.dumps([i.model_dump(mode="json") for i in invites])
        entries = json.dumps([e.model_dump(mode="json") for e in session.exec(select(AuditEntry)).all()])
    assert not any(t in dump or t in entries for t in tokens)


def test_open_campaign_targets_stale_cards_and_refuses_a_second_one(world):
    _campaign_id, links = _open(world, targeting="non_verifies")
    assert sorted(links) == ["Centre social Benauge", "Club de prévention", "Collège Jean Zay"]
    with pytest.raises(ValidationError) as refused:
        _open(world, title="Autre")
    assert "déjà ouverte" in str(refused.value)


def test_open_campaign_checks_rights_and_fields(world):
    with session_scope(world["engine"]) as session:
        with pytest.raises(PermissionDenied):
            open_campaign(session, coordinator(world["saintes"]), world["bordeaux"], "X", DEADLINE, today=TODAY)
        with pytest.raises(ValidationError) as refused:
            open_campaign(session, coordinator(world["bordeaux"]), world["bordeaux"], " ", TODAY - dt.timedelta(days=1),
                          targeting="secteur", sector="inconnu", today=TODAY)
    text = str(refused.value)
    assert "Titre : obligatoire" in text and "déjà passée" in text and "Secteur" in text


def test_every_bad_token_gets_the_same_refusal(world):
    campaign_id, links = _open(world)
    good = links["Centre social Benauge"].token
    revoked = links["Club de prévention"].token
    with session_scope(world["engine"]) as session:
        invite = session.exec(select(CampaignInvite).where(CampaignInvite.token_hash == token_hash(revoked))).one()
        revoke_link(session, coordinator(world["bordeaux"]), invite.id)
    tampered = good[:-1] + ("A" if good[-1] != "A" else "B")
    messages = []
    with session_scope(world["engine"]) as session:
        for token in (None, "", "x" * 500, "<script>", tampered, revoked, good.upper()):
            with pytest.raises(TokenRefused) as refused:
                open_form(session, token, TODAY)
            messages.append(str(refused.value))
        with pytest.raises(TokenRefused) as expired:  # the day after the deadline
            open_form(session, good, DEADLINE + dt.timedelta(days=1))
        messages.append(str(expired.value))
        assert open_form(session, good, DEADLINE).partner_name == "Centre social Benauge"  # valid all day long
    with session_scope(world["engine"]) as session:
        close_campaign(session, coordinator(world["bordeaux"]), campaign_id)
    with session_scope(world["engine"]) as session:
        with pytest.raises(TokenRefused) as closed:
            open_form(session, good, TODAY)
        messages.append(str(closed.value))
    assert set(messages) == {REFUSAL}


def test_a_token_of_another_campaign_opens_only_its_own_partner(world):
    _campaign_id, links = _open(world)
    with session_scope(world["engine"]) as session:
        form = open_form(session, links["Centre social Benauge"].token, TODAY)
    assert form.partner_name == "Centre social Benauge"
    assert form.council_name == "CLSPD de Bordeaux"
    # Names of the council's other partners only: no Saintes partner, no contacts of others.
    assert sorted(n.split(" (")[0] for n in form.others.values()) == [
        "Club de prévention", "Collège Jean Zay", "Ville de Bordeaux"]
    assert form.answer.card.contact_email == "cs@benauge.fr"
    assert form.current_links == {world["ville"]: (("convention",), 2)}
    shown = repr(dataclasses.asdict(form))
    assert "ville@bordeaux.fr" not in shown
    assert "Charente-Maritime" not in shown


def test_reissued_link_replaces_the_old_one(world):
    _campaign_id, links = _open(world)
    old = links["Centre social Benauge"]
    with session_scope(world["engine"]) as session:
        new = reissue_link(session, coordinator(world["bordeaux"]), old.invite_id, TODAY)
    with session_scope(world["engine"]) as session:
        with pytest.raises(TokenRefused):
            open_form(session, old.token, TODAY)
        assert open_form(session, new.token, TODAY).partner_name == "Centre social Benauge"


def _cs_answer(world, form, **card):
    answer = form.answer
    answer.card = dataclasses.replace(answer.card, **card)
    answer.links = [LinkAnswer(world["ville"], ["convention"], 3), LinkAnswer(world["club"], ["echange", "orientation"], 2)]
    answer.comment = "Merci pour ce travail."
    return answer


def test_draft_submit_reopen_and_checks(world):
    _campaign_id, links = _open(world)
    token = links["Centre social Benauge"].token
    with session_scope(world["engine"]) as session:
        form = open_form(session, token, TODAY)
        assert form.state == "ouvert" and form.can_edit
        draft = _cs_answer(world, form, contact_email="pas-un-courriel")
        draft.links.append(LinkAnswer(world["college"], [], None))
        form = save_answer(session, token, draft, submit=False, today=TODAY)  # a draft may be incomplete
        assert form.state == "brouillon" and form.answer.card.contact_email == "pas-un-courriel"
        with pytest.raises(ValidationError) as refused:
            save_answer(session, token, draft, submit=True, today=TODAY)
        text = str(refused.value)
        assert "E-mail du contact" in text and "Collège Jean Zay" in text and "nature de lien" in text
        bad = _cs_answer(world, form)
        bad.links.append(LinkAnswer(world["caf"], ["convention"], 2))  # not a partner of this council
        bad.comment = "x" * 2001
        with pytest.raises(ValidationError) as refused:
            save_answer(session, token, bad, submit=False, today=TODAY)
        assert "n'appartient pas" in str(refused.value) and "2000 caractères" in str(refused.value)
        phone = _cs_answer(world, form)
        phone.comment = "Appelez le 06 12 34 56 78"
        with pytest.raises(ValidationError, match="téléphone"):
            save_answer(session, token, phone, submit=True, today=TODAY)
        form = save_answer(session, token, _cs_answer(world, form, contact_email="accueil@benauge.fr"), submit=True,
                           today=TODAY)
        assert form.state == "soumis" and not form.can_edit
        with pytest.raises(ValidationError, match="rouvrez"):
            save_answer(session, token, form.answer, submit=False, today=TODAY)
        form = reopen_answer(session, token, TODAY)
        assert form.can_edit and form.state == "brouillon"
        save_answer(session, token, form.answer, submit=True, today=TODAY)
        entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "campaign_invite")).all()
    assert [e.operation for e in entries] == ["submit", "reopen", "submit"]
    assert all(token not in (e.label + (e.after or "")) for e in entries)
    assert entries[0].user_email == "partenaire (lien personnel)"


def _submit(world, token, answer_of):
    with session_scope(world["engine"]) as session:
        form = open_form(session, token, TODAY)
        save_answer(session, token, answer_of(form), submit=True, today=TODAY)
        return session.exec(select(CampaignInvite).where(CampaignInvite.token_hash == token_hash(token))).one().id


def test_review_accepts_one_link_rejects_another_and_marks_the_audit(world):
    campaign_id, links = _open(world)
    invite_id = _submit(world, links["Centre social Benauge"].token,
                        lambda form: _cs_answer(world, form, contact_email="accueil@benauge.fr"))
    actor = coordinator(world["bordeaux"])
    with session_scope(world["engine"]) as session:
        changes = answer_changes(session, actor, invite_id, TODAY)
    by_label = {(i.category, i.label): i for i in changes.items}
    assert set(by_label) == {
        ("fiche", "E-mail du contact"), ("verification", "Fiche confirmée par le partenaire"),
        ("niveau", "Ville de Bordeaux : Convention"), ("nouveau", "Club de prévention : Échange d'informations"),
        ("nouveau", "Club de prévention : Orientation"),
    }
    level = by_label[("niveau", "Ville de Bordeaux : Convention")]
    assert (level.before, level.after) == ("2 — On coordonne nos activités", "3 — On partage des moyens")
    assert changes.comment == "Merci pour ce travail."
    email = by_label[("fiche", "E-mail du contact")]
    exchange = by_label[("nouveau", "Club de prévention : Échange d'informations")]
    orientation = by_label[("nouveau", "Club de prévention : Orientation")]
    with session_scope(world["engine"]) as session:
        with pytest.raises(PermissionDenied):
            decide(session, coordinator(world["saintes"]), invite_id, {email.key: True}, TODAY)
    with session_scope(world["engine"]) as session:
        after = decide(session, actor, invite_id, {email.key: True, exchange.key: True, orientation.key: False}, TODAY)
    assert {i.label for i in after.pending} == {"Fiche confirmée par le partenaire", "Ville de Bordeaux : Convention"}
    assert after.state == "soumis"
    with session_scope(world["engine"]) as session:
        cs = session.get(Partner, world["cs"])
        assert cs.contact_email == "accueil@benauge.fr"
        assert cs.verified_on == paris_day()  # a card changed through the campaign is verified the day it was sent
        new = session.exec(select(CooperationLink).where(CooperationLink.kind.in_(["echange", "orientation"]))).all()
        assert [(l.kind, l.level) for l in new] == [("echange", 2)]
        labels = [e.label for e in session.exec(select(AuditEntry).where(
            AuditEntry.entity.in_(["partner", "link"]))).all()]
    assert any(l.startswith("Centre social Benauge — déclaré par le partenaire, campagne « Plénière 2026 »")
               for l in labels)
    assert any("Club de prévention" in l and "déclaré par le partenaire" in l for l in labels)
    # A key shown before the change can no longer be decided.
    with session_scope(world["engine"]) as session:
        with pytest.raises(ConflictError):
            decide(session, actor, invite_id, {email.key: True}, TODAY)
        done = decide(session, actor, invite_id, {i.key: False for i in after.pending}, TODAY)
    assert done.state == "examine" and not done.pending
    assert {i.decision for i in done.items} == {"accepted", "rejected"}
    with session_scope(world["engine"]) as session:
        progress = campaign_progress(session, actor, campaign_id, TODAY)
        assert (progress.sent, progress.opened, progress.submitted, progress.reviewed) == (4, 1, 1, 1)
        assert [r.partner for r in progress.reminders] == ["Club de prévention", "Collège Jean Zay", "Ville de Bordeaux"]
        with pytest.raises(ValidationError, match="examiner"):
            reopen_answer(session, links["Centre social Benauge"].token, TODAY)


def test_verified_on_is_the_day_the_partner_confirmed(world):
    _campaign_id, links = _open(world)
    invite_id = _submit(world, links["Collège Jean Zay"].token, lambda form: form.answer)
    actor = coordinator(world["bordeaux"])
    with session_scope(world["engine"]) as session:
        changes = answer_changes(session, actor, invite_id, TODAY)
        assert [i.category for i in changes.items] == ["verification"]
        decide(session, actor, invite_id, {changes.items[0].key: True}, TODAY)
        invite = session.get(CampaignInvite, invite_id)
        assert session.get(Partner, world["college"]).verified_on == paris_day(invite.submitted_at)


def test_conflicting_declarations_are_shown_side_by_side(world):
    campaign_id, links = _open(world)
    cs_invite = _submit(world, links["Centre social Benauge"].token, lambda form: _cs_answer(world, form))

    def ville_answer(form):
        form.answer.links = [LinkAnswer(world["cs"], ["convention"], 1)]
        return form.answer
    ville_invite = _submit(world, links["Ville de Bordeaux"].token, ville_answer)
    actor = coordinator(world["bordeaux"])
    with session_scope(world["engine"]) as session:
        cs_changes = answer_changes(session, actor, cs_invite, TODAY)
        ville_changes = answer_changes(session, actor, ville_invite, TODAY)
        network = campaign_network(session, actor, campaign_id, TODAY)
    cs_item = next(i for i in cs_changes.items if i.label == "Ville de Bordeaux : Convention")
    assert cs_item.conflict.first == "Centre social Benauge"
    assert cs_item.conflict.first_says == "Convention — 3 — On partage des moyens"
    assert (cs_item.conflict.second, cs_item.conflict.second_says) == ("Ville de Bordeaux",
                                                                       "Convention — 1 — On s'informe")
    ville_item = next(i for i in ville_changes.items if i.label == "Centre social Benauge : Convention")
    assert ville_item.conflict.first == "Ville de Bordeaux"
    assert [(r.first, r.second, r.kinds, r.level, r.status) for r in network.agreed] == [
        ("Ville de Bordeaux", "Centre social Benauge", "Convention", "1 — On s'informe", "Divergent")] or [
        (r.first, r.second, r.kinds, r.level, r.status) for r in network.agreed] == [
        ("Centre social Benauge", "Ville de Bordeaux", "Convention", "1 — On s'informe", "Divergent")]
    assert network.disputed == 1 and network.answered == 2
    assert [(l.first, l.kind, l.confirmed_by_both) for l in network.links] == [
        ("Ville de Bordeaux", "Convention", True)]
    # The coordinator decides: accept the Ville's level, reject the centre's.
    with session_scope(world["engine"]) as session:
        decide(session, actor, ville_invite, {ville_item.key: True}, TODAY)
        with pytest.raises(ConflictError):  # the centre's item was shown against level 2: shown again first
            decide(session, actor, cs_invite, {cs_item.key: False}, TODAY)
        again = next(i for i in answer_changes(session, actor, cs_invite, TODAY).items
                     if i.label == "Ville de Bordeaux : Convention")
        assert again.before == "1 — On s'informe"
        decide(session, actor, cs_invite, {again.key: False}, TODAY)
        assert session.get(CooperationLink, world["link"]).level == 1


def test_ended_links_are_proposed_with_the_submission_day(world):
    _campaign_id, links = _open(world)

    def stop(form):
        form.answer.links = []
        form.answer.ended = [world["ville"]]
        return form.answer
    invite_id = _submit(world, links["Centre social Benauge"].token, stop)
    actor = coordinator(world["bordeaux"])
    with session_scope(world["engine"]) as session:
        item = next(i for i in answer_changes(session, actor, invite_id, TODAY).items if i.category == "fin")
        assert item.label == "Ville de Bordeaux : Convention" and item.after.startswith("terminé le ")
        decide(session, actor, invite_id, {item.key: True}, TODAY)
        assert session.get(CooperationLink, world["link"]).end_date is not None


def test_messages_mailto_and_csv():
    message = invitation("Centre social « Benauge » & co", "cs@benauge.fr", "CLSPD de Bordeaux", "Plénière 2026",
                         DEADLINE, personal_url("https://maillage.example.fr/", "abc_DEF-123"))
    assert "https://maillage.example.fr/?campagne=abc_DEF-123" in message.body
    assert "15 décembre 2026" in message.body and "on construit ensemble" in message.body
    assert message.mailto.startswith("mailto:cs@benauge.fr?subject=")
    assert " " not in message.mailto and "&co" not in message.mailto
    csv = links_csv([("=HYPERLINK(\"x\")", "a@b.fr", "https://x/?campagne=t")])
    assert csv.splitlines() == ["partenaire;courriel;lien", "'=HYPERLINK(\"\"x\"\")\";a@b.fr;https://x/?campagne=t"] or \
        csv.splitlines()[1].startswith("\"'=HYPERLINK")


def test_smtp_only_when_configured():
    assert smtp_settings({}) is None
    settings = smtp_settings({"MAILLAGE_SMTP_HOST": "smtp.ville.fr", "MAILLAGE_SMTP_FROM": "clspd@ville.fr"})
    sent_mail = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            assert (host, port) == ("smtp.ville.fr", 587)

        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def starttls(self):
            pass

        def send_message(self, mail):
            sent_mail.append(mail)

    messages = [invitation("A", "a@ville.fr", "CLSPD", "T", DEADLINE, "https://x/?campagne=t"),
                invitation("B", "", "CLSPD", "T", DEADLINE, "https://x/?campagne=u")]
    assert send_messages(messages, settings, FakeSMTP) == (1, ["B"])
    assert sent_mail[0]["To"] == "a@ville.fr"


def test_rate_limiter_blocks_after_failures_and_forgets_them():
    now = [0.0]
    limiter = RateLimiter(failures=3, window_seconds=60, clock=lambda: now[0])
    for _ in range(3):
        assert not limiter.blocked("1.2.3.4")
        limiter.failed("1.2.3.4")
    assert limiter.blocked("1.2.3.4") and not limiter.blocked("5.6.7.8")
    now[0] = 61
    assert not limiter.blocked("1.2.3.4")
