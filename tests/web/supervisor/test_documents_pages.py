"""Documents with live progress: the list, a document's lines and serials, the JSON polled."""

from __future__ import annotations

from tests.web.conftest import Api
from tests.web.supervisor.conftest import Page, code


def receipt(api: Api) -> None:
    body = {
        "type": "receipt",
        "number": "R-7",
        "partner": "V1",
        "lines": [
            {"item": "LAP", "quantity": 3, "location": "A1", "expected_serials": ["E1", "E2"]},
            {"item": "MILK", "quantity": 10, "location": "A1"},
        ],
    }
    api.ok("POST", "/documents", body, 201)


def test_the_list_shows_each_document_with_its_progress(master: Api, admin_page: Page) -> None:
    receipt(master)
    html = admin_page.get("/documents").get_data(as_text=True)
    assert 'href="/supervisor/documents/R-7"' in html
    assert 'data-bar="R-7" value="0" max="13"' in html
    filtered = admin_page.get("/documents?status=posted").get_data(as_text=True)
    assert "R-7" not in filtered


def test_live_json_follows_scans(master: Api, admin_page: Page) -> None:
    receipt(master)
    live = admin_page.get("/documents/R-7/live.json").get_json()
    assert live["bars"]["doc"] == [0, 13]
    assert live["fields"]["line1:missing"] == 2
    assert live["lists"]["line1:missing_serials"] == ["E1", "E2"]
    step = {"action": "generate", "line": 1, "serials": ["E1", "X9"]}
    master.ok("POST", "/documents/R-7/serials", step, 201)
    master.ok(
        "POST",
        "/documents/R-7/lots",
        {"action": "generate", "line": 2, "lot": "L7", "quantity": 4},
        201,
    )
    live = admin_page.get("/documents/R-7/live.json").get_json()
    assert live["bars"] == {"doc": [6, 13], "line1": [2, 3], "line2": [4, 10]}
    assert (live["fields"]["line1:received"], live["fields"]["line1:unexpected"]) == (1, 1)
    assert live["lists"]["line1:serials"] == ["E1", "X9"]
    assert live["lists"]["line2:lots"] == ["L7 \u00d7 4"]
    listing = admin_page.get("/documents.json").get_json()
    assert listing["bars"]["R-7"] == [6, 13] and listing["fields"]["R-7:status"] == "open"


def test_the_document_page_shows_lines_serials_and_the_notice(
    master: Api, admin_page: Page
) -> None:
    receipt(master)
    master.ok(
        "POST", "/documents/R-7/serials", {"action": "generate", "line": 1, "serials": ["E2"]}, 201
    )
    html = admin_page.get("/documents/R-7").get_data(as_text=True)
    assert "<li>E2</li>" in html and "<li>E1</li>" in html  # scanned; still missing
    assert 'data-live-url="/supervisor/documents/R-7/live.json"' in html
    assert "live.js" in html


def test_unknown_documents_and_bad_filters_are_clear_errors(admin_page: Page) -> None:
    resp = admin_page.get("/documents/NOPE")
    assert resp.status_code == 404 and code(resp) == "unknown_document"
    resp = admin_page.get("/documents?status=lost")
    assert resp.status_code == 422 and code(resp) == "invalid_input"
    resp = admin_page.get("/documents?limit=0")
    assert resp.status_code == 422
