"""Journeys in real Chromium: download the elected officials' PDF, and import a CSV with errors.

The PDF is read-only (the shared server); the import runs on the writable server, since it refuses the file
but must never touch the read-only database if it did not.
"""

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import (
    COORD_EMAIL,
    PASSWORD,
    Watch,
    expect_in_grid,
    frame_with,
    grid_texts,
    open_page,
    screenshot,
    sign_in,
    wait_for_app,
)

CSV = (
    b"nom;typologie;commune_siege;verifie_le\n"
    b"Association Import Navigateur;ASSO;33063;01/02/2026\n"
    b"Club Import Navigateur;CLUBX;33063;31/02/2026\n"
)


def test_download_the_elected_officials_pdf(page, app_url, watch):
    sign_in(page, app_url, COORD_EMAIL, PASSWORD)
    open_page(page, "Synthèse élus")
    expect(page.get_by_role("heading", name="Synthèse élus — CLSPD de Bordeaux")).to_be_visible()
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name="Télécharger le PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    data = open(download.path(), "rb").read()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page_.extract_text() for page_ in reader.pages)
    assert "CLSPD de Bordeaux" in text
    assert "synthèse pour les élus" in text.lower()
    # then the council's network, as the Réseau page draws it, on a landscape page
    assert len(reader.pages) == 2 and "Réseau de coopération — CLSPD de Bordeaux" in reader.pages[1].extract_text()
    # the page on screen shows the same drawing under the summary, its partners' names as text
    frame = frame_with(page, "section.reseau svg")
    drawing = frame.locator("section.reseau svg")
    drawing.scroll_into_view_if_needed()
    expect(drawing.locator("text", has_text="Ville de Bordeaux")).to_have_count(1)
    assert drawing.bounding_box()["width"] > 600
    drawing.screenshot(path=str(screenshot(page, "synthese-reseau").with_name("synthese-reseau-dessin.png")))
    assert watch.dialogs == []
    assert watch.console_errors == []


def test_import_a_csv_with_errors_reads_a_french_message(page, writable_app_url):
    watch = Watch(page, writable_app_url)
    sign_in(page, writable_app_url, COORD_EMAIL, PASSWORD)
    open_page(page, "Données")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "partenaires.csv", "mimeType": "text/csv", "buffer": CSV}])
    errors = page.get_by_test_id("stAlertContentError").locator("p")
    expect(errors).to_have_text("2 erreurs : rien ne sera importé tant qu'elles ne sont pas corrigées. "
                                "Corrigez le fichier puis déposez-le à nouveau.", timeout=60000)
    wait_for_app(page)
    # The problems table, not only the preview of the rows (drawn first, it holds « CLUBX » too).
    expect_in_grid(page, "n'est pas une date qui existe")
    expect_in_grid(page, "verifie_le")
    cells = grid_texts(page)
    # Fichier, Ligne, Colonne, Valeur, Motif — one row per problem.
    # The problems table (the page also previews the file's rows with a « problème » column).
    def located(value: str, column: str) -> int:
        found = [i - 3 for i, cell in enumerate(cells) if cell == value and cells[i - 3:i] == ["partenaires.csv", "3", column]]
        assert found, (value, cells)
        return found[0]

    start = located("CLUBX", "typologie")
    assert cells[start + 4].startswith("n'est pas une typologie connue (valeurs possibles : MUNI, EPCI")
    start = located("31/02/2026", "verifie_le")
    assert cells[start + 4] == "n'est pas une date qui existe"
    # No import button while the file has errors.
    assert page.get_by_role("button", name="Importer ces données").count() == 0
    errors.scroll_into_view_if_needed()
    screenshot(page, "import-erreurs")
    assert watch.dialogs == []
    assert watch.console_errors == []
