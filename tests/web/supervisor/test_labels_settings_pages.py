"""The label outbox (filters, decisions, reprints, previews), printers, and settings."""

from __future__ import annotations

import io
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image

from tests.web.conftest import Api
from tests.web.supervisor.conftest import Page, code
from tracking_core.core import Tracking


@pytest.fixture
def jobs(master: Api, core: Tracking) -> tuple[int, int]:
    """Two serial label jobs: one of R-1 left unconfirmed, one of R-2 printed."""
    for number in ("R-1", "R-2"):
        line = {"item": "LAP", "quantity": 2, "location": "A1"}
        master.ok(
            "POST",
            "/documents",
            {"type": "receipt", "number": number, "partner": "V1", "lines": [line]},
            201,
        )
        master.ok(
            "POST",
            f"/documents/{number}/serials",
            {"action": "generate", "line": 1, "count": 2},
            201,
        )
    first, second = sorted(j.id for j in core.outbox.jobs())
    claimed = {j.id for j in core.outbox.claim(worker="w1")}
    assert claimed == {first, second}
    core.outbox.unconfirmed(first, worker="w1", error="connection reset")
    core.outbox.printed(second, worker="w1")
    return first, second


def test_the_outbox_lists_and_filters_jobs(
    jobs: tuple[int, int], admin_page: Page, core: Tracking
) -> None:
    first, second = jobs
    html = admin_page.get("/labels").get_data(as_text=True)
    assert f'data-job="{first}"' in html and f'data-job="{second}"' in html
    html = admin_page.get("/labels?status=unconfirmed").get_data(as_text=True)
    assert f'data-job="{first}"' in html and f'data-job="{second}"' not in html
    html = admin_page.get("/labels?document=R-2").get_data(as_text=True)
    assert f'data-job="{first}"' not in html and f'data-job="{second}"' in html
    assert admin_page.get("/labels?status=lost").status_code == 422


def test_a_job_shows_its_preview_image(jobs: tuple[int, int], admin_page: Page) -> None:
    first, _ = jobs
    html = admin_page.get(f"/labels/{first}").get_data(as_text=True)
    assert f'src="/supervisor/labels/{first}/label.png"' in html
    resp = admin_page.get(f"/labels/{first}/label.png")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert Image.open(io.BytesIO(resp.data)).size[0] > 100
    assert admin_page.get("/labels/999/label.png").status_code == 404


def test_an_unconfirmed_job_is_decided_with_a_reason(
    jobs: tuple[int, int], admin_page: Page, core: Tracking
) -> None:
    first, _ = jobs
    resp = admin_page.post(
        f"/labels/{first}/decide", {"outcome": "printed", "reason": "saw it on the printer"}
    )
    assert resp.status_code == 302
    assert core.outbox.job(first).status == "printed"
    assert core.outbox.events(first)[-1][:3] == ("printed", "bootstrap", "saw it on the printer")


@pytest.mark.parametrize(("outcome", "status"), [("resend", "pending"), ("cancel", "cancelled")])
def test_resend_or_cancel(
    jobs: tuple[int, int], admin_page: Page, core: Tracking, outcome: str, status: str
) -> None:
    first, _ = jobs
    admin_page.post(f"/labels/{first}/decide", {"outcome": outcome, "reason": "checked"})
    assert core.outbox.job(first).status == status


def test_bad_decisions_change_nothing(
    jobs: tuple[int, int], admin_page: Page, core: Tracking
) -> None:
    first, second = jobs
    for data, job in (
        ({"outcome": "printed"}, first),  # no reason
        ({"outcome": "burn", "reason": "x"}, first),
        ({"outcome": "printed", "reason": "x"}, second),  # not unconfirmed
    ):
        resp = admin_page.post(f"/labels/{job}/decide", data)
        assert resp.status_code == 422 and code(resp) == "invalid_input"
    assert core.outbox.job(first).status == "unconfirmed"
    assert (
        admin_page.post("/labels/999/decide", {"outcome": "printed", "reason": "x"}).status_code
        == 404
    )


def test_reprint_with_a_reason_is_audited(
    jobs: tuple[int, int], admin_page: Page, core: Tracking
) -> None:
    _, second = jobs
    assert admin_page.post(f"/labels/{second}/reprint", {"reason": ""}).status_code == 422
    admin_page.post(f"/labels/{second}/reprint", {"reason": "label torn"})
    assert core.outbox.job(second).status == "pending"
    assert core.outbox.events(second)[-1][:3] == ("reprint", "bootstrap", "label torn")


def test_operators_may_decide_from_the_pages_too(
    jobs: tuple[int, int], page_as: Callable[[str], Page], core: Tracking
) -> None:
    first, _ = jobs
    p = page_as("operator")
    assert (
        p.post(f"/labels/{first}/decide", {"outcome": "cancel", "reason": "x"}).status_code == 302
    )


def test_printers_and_their_status(app: Flask, admin_page: Page, tmp_path: Path) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: the printer is not ready
    config = tmp_path / "printers.toml"
    config.write_text(
        f'[printers.dock]\nurl = "tcp://127.0.0.1:{port}"\ndefault = true\n\n'
        f'[printers.archive]\nurl = "spool://{tmp_path}/spool"\n'
    )
    (tmp_path / "spool").mkdir()
    app.config["PRINTERS_CONFIG"] = str(config)
    html = admin_page.get("/printers").get_data(as_text=True)
    assert "dock" in html and "archive" in html and "printer-status" not in html
    html = admin_page.get("/printers?status=1").get_data(as_text=True)
    statuses = html.split('data-testid="printer-status">')[1:]
    assert statuses[0].startswith("not ready") and statuses[1].startswith("ready")
    config.write_text("[printers.x]\nurl = 3\n")
    assert code(admin_page.get("/printers")) == "invalid_config"


def test_settings_change_is_audited_and_shown(admin_page: Page, core: Tracking) -> None:
    resp = admin_page.post(
        "/settings",
        {"allocation_order": "fefo", "quarantine_days_on_receipt": "2", "use_lots": "true"},
    )
    assert resp.status_code == 302
    assert (core.settings().allocation_order, core.settings().quarantine_days_on_receipt) == (
        "fefo",
        2,
    )
    changes = [(c.key, c.old_value, c.new_value, c.actor) for c in core.setting_changes()]
    assert sorted(changes) == [
        ("allocation_order", "fifo", "fefo", "bootstrap"),
        ("quarantine_days_on_receipt", 0, 2, "bootstrap"),
    ]
    html = admin_page.get("/settings").get_data(as_text=True)
    assert "<td>allocation_order</td><td>fifo</td><td>fefo</td><td>bootstrap</td>" in html


@pytest.mark.parametrize(
    "data",
    [
        {"allocation_order": "random"},
        {"quarantine_days_on_receipt": "-1"},
        {"use_lots": "yes"},
        {"default_serial_mask": "{BAD"},
        {"sscc_extension": "12", "allocation_order": "fefo"},  # all or nothing
    ],
)
def test_bad_settings_change_nothing(
    admin_page: Page, core: Tracking, data: dict[str, str]
) -> None:
    resp = admin_page.post("/settings", data)
    assert resp.status_code == 422 and code(resp) is not None
    assert core.settings().allocation_order == "fifo" and core.setting_changes() == []


def test_the_settings_form_is_read_only_for_other_roles(page_as: Callable[[str], Page]) -> None:
    html = page_as("integration").get("/settings").get_data(as_text=True)
    assert "Save changes" not in html and "disabled" in html
