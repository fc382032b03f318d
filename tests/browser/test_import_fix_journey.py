"""Journey in real Chromium: import a partner file with errors, download the problem list, fix it in the
spreadsheet, drop it again (it replaces the first file), import, and read exactly what changed."""

import io

import openpyxl
from playwright.sync_api import expect

from tests.browser.conftest import (
    COORD_EMAIL,
    PASSWORD,
    Watch,
    expect_in_grid,
    grid_texts,
    open_page,
    screenshot,
    sign_in,
    wait_for_app,
)

# Seated around Bordeaux, all working in Bordeaux: the coordinator of the CLSPD de Bordeaux owns their cards.
CSV = ("nom;typologie;commune_siege;territoires_intervention\n"
       "Ludothèque Parcours;ASSO;Bordeaux;33063\n"
       "Point accueil Parcours;Mairie;Pessac (33);33063\n"
       "Bus numérique Parcours;ASSO;Atlantide;33063\n").encode("cp1252")


def test_import_errors_fixed_in_the_downloaded_problem_list(page, writable_app_url):
    watch = Watch(page, writable_app_url)
    sign_in(page, writable_app_url, COORD_EMAIL, PASSWORD)
    open_page(page, "Données")
    dropzone = page.get_by_test_id("stFileUploaderDropzoneInput")
    dropzone.set_input_files(files=[{"name": "partenaires.csv", "mimeType": "text/csv", "buffer": CSV}])
    errors = page.get_by_test_id("stAlertContentError").locator("p")
    expect(errors.first).to_have_text("2 erreurs : rien ne sera importé tant qu'elles ne sont pas corrigées. "
                                      "Corrigez le fichier puis déposez-le à nouveau.", timeout=60000)
    wait_for_app(page)
    expect_in_grid(page, "Atlantide")
    screenshot(page, "import-liste-problemes")
    with page.expect_download(timeout=60000) as info:
        page.get_by_role("button", name="Télécharger les lignes avec leurs problèmes (XLSX)").click()
    download = info.value
    assert download.suggested_filename.startswith("problemes-import-") and download.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    sheet = workbook["partenaires"]
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["nom", "typologie", "commune_siege", "territoires_intervention", "problème"]
    assert rows[1] == ["Ludothèque Parcours", "ASSO", "Bordeaux", "33063", ""]
    assert rows[2][4].startswith("colonne typologie : « Mairie » n'est pas une typologie connue")
    assert rows[3][4].startswith("colonne commune_siege : « Atlantide » ne désigne aucune commune connue")
    # fixed in the spreadsheet, then dropped again (beside the first file: it replaces it)
    sheet["B3"], sheet["C4"] = "MUNI", "St Médard en Jalles"
    fixed = io.BytesIO()
    workbook.save(fixed)
    dropzone.set_input_files(files=[{"name": "problemes-corriges.xlsx", "buffer": fixed.getvalue(),
                                     "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    expect(page.get_by_text("Toutes les lignes sont valides : vous pouvez importer.")).to_be_visible(timeout=60000)
    wait_for_app(page)
    page.get_by_role("button", name="Importer ces données").click()
    expect(page.get_by_text("Import réussi. Voici exactement ce qui a changé")).to_be_visible(timeout=60000)
    wait_for_app(page)
    expect_in_grid(page, "Partenaires — 3 créés")
    [result] = [text for text in grid_texts(page) if text.startswith("Partenaires —")]
    assert result == ("Partenaires — 3 créés : Ludothèque Parcours (33063), Point accueil Parcours (33318), "
                      "Bus numérique Parcours (33449)")
    screenshot(page, "import-corrige-reussi")
    assert watch.dialogs == []
    assert watch.console_errors == []
