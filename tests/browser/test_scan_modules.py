"""The scan screen's small ES modules, run in Chromium (no Node on the handhelds either)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page

GS = "\x1d"


@pytest.fixture
def landing(page: Page, server: Any) -> Page:
    page.goto(server.url + "/")
    return page


@pytest.mark.parametrize(
    ("raw", "replacement", "sent"),
    [
        ("]C1010950600013435221ACME-0001", None, "]C1010950600013435221ACME-0001"),
        ("]C10109506000134352172612001012A|21X7", "|", f"]C10109506000134352172612001012A{GS}21X7"),
        ("0109506000134352~10L1~21S~", "~", f"0109506000134352{GS}10L1{GS}21S{GS}"),
        ("]d2010950600013435221X|", None, "]d2010950600013435221X|"),  # no replacement set
        ("]Q3LOC:A-01\r\n", None, "]Q3LOC:A-01"),  # a CR/LF suffix that reached the field
    ],
)
def test_normalise_turns_the_replacement_back_into_gs(
    landing: Page, raw: str, replacement: str | None, sent: str
) -> None:
    got = landing.evaluate(
        "async ([raw, rep]) => (await import('/static/js/wedge.js')).normalise(raw, rep)",
        [raw, replacement],
    )
    assert got == sent


@pytest.mark.parametrize(
    ("raw", "badge"), [("OP:0042", "0042"), ("op:0042", "0042"), ("0042", "0042"), (" OP:7 ", "7")]
)
def test_badge_of(landing: Page, raw: str, badge: str) -> None:
    got = landing.evaluate("async (raw) => (await import('/static/js/wedge.js')).badgeOf(raw)", raw)
    assert got == badge


def test_new_id_is_a_v4_uuid_with_and_without_random_uuid(landing: Page) -> None:
    ids = landing.evaluate(
        """async () => {
            const { newId } = await import('/static/js/device.js');
            const native = [newId(), newId()];
            const saved = crypto.randomUUID;
            crypto.randomUUID = undefined;  // as in a non-secure context (plain http on a LAN)
            try { return [...native, ...Array.from({ length: 50 }, newId)]; }
            finally { crypto.randomUUID = saved; }
        }"""
    )
    assert len(set(ids)) == len(ids) == 52
    pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    assert all(re.match(pattern, i) for i in ids), ids


def test_keypad_digits_delete_and_submit(landing: Page) -> None:
    got = landing.evaluate(
        """async () => {
            const { Keypad } = await import('/static/js/keypad.js');
            const keys = document.createElement('div'), shown = document.createElement('div');
            keys.className = 'keypad';
            document.body.append(keys, shown);
            const submitted = [];
            const pad = new Keypad(keys, shown, { mask: true, maxLength: 4,
                                                   onSubmit: (v) => submitted.push(v) });
            for (const k of ['1', '2', '3', '4', '5', 'Backspace', '9']) pad.press(k);
            const masked = shown.textContent;
            keys.querySelector('[data-key="Enter"]').click();
            pad.clear();
            pad.press('Enter');  // nothing typed: nothing submitted
            const big = [...keys.querySelectorAll('button')].every(
                (b) => b.getBoundingClientRect().height >= 64);
            return { masked, submitted, letter: pad.press('x'), big };
        }"""
    )
    assert got == {"masked": "••••", "submitted": ["1239"], "letter": False, "big": True}
