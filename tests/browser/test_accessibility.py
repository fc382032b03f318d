"""axe-core on every page: no serious or critical violation in Maillage's own content.

Violations that come from Streamlit's own widgets are listed in STREAMLIT_OWN with the element,
and written to test-artifacts/axe-report.json on every run.
"""

import json
from pathlib import Path

from tests.browser.conftest import ARTIFACTS, sign_in, wait_for_app

AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# Streamlit's own chrome, which the app cannot change: violations inside these elements are
# reported (test-artifacts/axe-report.json, "streamlit": true) but do not fail the test.
# Seen with Streamlit 1.67: the sidebar navigation renders section headers inside its <ul>
# ("list" / "listitem", serious).
STREAMLIT_CHROME = ('[data-testid="stSidebarNav"]', '[data-testid="stHeader"]', '[data-testid="stToolbar"]',
                    '[data-testid="stStatusWidget"]', '[data-testid="stMainMenu"]')


def run_axe(page) -> list[dict]:
    """Serious and critical violations on the current page, one entry per element."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (chrome) => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            for (const violation of result.violations) {
                for (const node of violation.nodes) {
                    const element = document.querySelector(node.target[0]);
                    node.streamlit = Boolean(element && element.closest(chrome.join(',')));
                }
            }
            return result;
        }""",
        list(STREAMLIT_CHROME),
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            found.append({"rule": violation["id"], "impact": violation["impact"], "help": violation["help"],
                          "target": " ".join(map(str, node["target"])), "html": node["html"][:200],
                          "streamlit": node["streamlit"]})
    return found


def _streamlit_own(item: dict) -> bool:
    return item["streamlit"]


def test_no_serious_violation_on_any_page(page, app_url):
    sign_in(page, app_url)
    links = page.locator('[data-testid="stSidebarNav"] a')
    titles = [links.nth(i).inner_text().strip().splitlines()[-1] for i in range(links.count())]
    report, own = {}, {}
    for title in titles:
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()
        wait_for_app(page)
        violations = run_axe(page)
        report[title] = violations
        own[title] = [v for v in violations if not _streamlit_own(v)]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    assert {title: items for title, items in own.items() if items} == {}
