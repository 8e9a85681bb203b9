"""The station display page and the camera's vendored reader, over the Flask test client.

What the page does in a browser is in tests/browser/camera/test_station_display.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

STATIC = Path(__file__).parents[2] / "web_mobile" / "static"


@pytest.mark.parametrize("name", ["dock-1", "DOCK.2", "gate:3", "a"])
def test_a_station_page_is_bound_to_its_station(client: FlaskClient, name: str) -> None:
    resp = client.get(f"/station/{name}")
    assert (resp.status_code, resp.mimetype) == (200, "text/html")
    html = resp.get_data(as_text=True)
    assert f'data-station="{name}"' in html
    assert 'src="/static/js/station.js"' in html
    assert 'src="/static/vendor/socket.io-client/socket.io.min.js"' in html


@pytest.mark.parametrize("name", ["-dock", "dock 1", "x" * 65, "dock%3Cb%3E", "d%C3%B6ck"])
def test_a_name_no_station_can_have_is_not_found(client: FlaskClient, name: str) -> None:
    resp = client.get(f"/station/{name}")
    assert resp.status_code == 404
    html = resp.get_data(as_text=True)
    assert 'id="station-error"' in html
    assert "<b>" not in html  # the name is escaped, never markup


def test_the_camera_reader_is_served_from_scantrack(client: FlaskClient) -> None:
    wasm = client.get("/static/vendor/zxing-wasm/dist/reader/zxing_reader.wasm")
    assert (wasm.status_code, wasm.mimetype) == (200, "application/wasm")
    assert wasm.data[:4] == b"\0asm"
    module = client.get("/static/vendor/zxing-wasm/dist/es/reader/index.js")
    assert module.status_code == 200 and "javascript" in module.mimetype
    # the module imports only its sibling; camera.js points locateFile at our .wasm
    imports = re.findall(r'from\s*"([^"]+)"', module.get_data(as_text=True))
    assert set(imports) == {"../share.js"}
    camera = (STATIC / "js" / "camera.js").read_text()
    assert "../vendor/zxing-wasm/dist/reader/zxing_reader.wasm" in camera
    assert "locateFile" in camera


def test_the_vendored_reader_is_the_version_it_says() -> None:
    meta = json.loads((STATIC / "vendor" / "zxing-wasm" / "package.json").read_text())
    assert (meta["name"], meta["license"]) == ("zxing-wasm", "MIT")
    assert (STATIC / "vendor" / "zxing-wasm" / "LICENSE").read_text().startswith("MIT License")
    share = (STATIC / "vendor" / "zxing-wasm" / "dist" / "es" / "share.js").read_text()
    assert f'"{meta["version"]}"' in share
