"""Browser: the Couverture map filtered to one action type answers « où n'y a-t-il pas de Promeneurs du Net ? »."""

from io import BytesIO

from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import (
    choose,
    choose_council,
    expect_in_grid,
    open_page,
    screenshot,
    sign_in,
    wait_for_app,
)

NONE_COLOUR = (0xd7, 0x30, 0x27)      # « Aucune action » (ui/coverage_charts.PRESENCE_COLORS["none"])
PRESENT_COLOUR = (0x1a, 0x98, 0x50)   # « Présente »
CONTEXT_COLOUR = (0xf4, 0xf4, 0xf4)   # neighbouring communes outside the council, drawn faintly


def _share_of(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 12) -> float:
    """Share of the image's pixels within `tolerance` of `colour`."""
    pixels = list(image.convert("RGB").getdata())
    near = sum(1 for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, colour)))
    return near / len(pixels)


def test_map_filtered_to_one_action_type(page, app_url, watch):
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, app_url)
    choose_council(page, "CISPD de l'agglomération de La Rochelle")
    open_page(page, "Couverture")
    page.get_by_role("tab", name="Carte").click()
    wait_for_app(page)
    panel = page.get_by_role("tabpanel", name="Carte")
    choose(page, "Type d'action", "Présence éducative en ligne", panel)
    # The legend in words, the count of communes per status, and the table beside the map.
    expect(panel.get_by_text("Aucune action (28 communes)", exact=False)).to_be_visible(timeout=30000)
    expect_in_grid(panel, "Aucune action")
    expect_in_grid(panel, "La Rochelle")
    chart = panel.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart).to_be_visible(timeout=30000)
    page.wait_for_timeout(1500)  # the map finishes drawing
    chart.scroll_into_view_if_needed()
    drawn = Image.open(BytesIO(chart.screenshot()))
    # Every commune of the agglomeration is drawn in the « none » colour, none in the « present » one.
    assert _share_of(drawn, NONE_COLOUR) > 0.05
    assert _share_of(drawn, PRESENT_COLOUR) < 0.001
    # The neighbouring communes outside the agglomeration are drawn faintly around it, and the legend says so.
    assert _share_of(drawn, CONTEXT_COLOUR, tolerance=4) > 0.02
    expect(panel.get_by_text("En gris pâle, les communes voisines hors de l'instance", exact=False)).to_be_visible()
    # The legend drawn with the map speaks French words, and commune names are drawn as labels.
    texts = " ".join(chart.locator("text").all_text_contents()) if chart.locator("svg").count() else ""
    if texts:
        assert "Aucune action" in texts and "La Rochelle" in texts
    screenshot(page, "couverture-carte-pdn-la-rochelle")
    page.set_viewport_size({"width": 390, "height": 900})
    wait_for_app(page)
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    screenshot(page, "couverture-carte-pdn-la-rochelle-390")
    assert watch.dialogs == []
    assert watch.console_errors == []
    assert watch.foreign_requests() == []
