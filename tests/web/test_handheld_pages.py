"""The handheld pages and the service worker, over the Flask test client.

What the pages do in a browser is in tests/browser/; here: each page is served, names
the modules it needs, and the service worker lists the shell and changes with it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from web_mobile.handheld import shell_files

STATIC = Path(__file__).parents[2] / "web_mobile" / "static"


@pytest.mark.parametrize(
    ("path", "module"),
    [("/", "js/landing.js"), ("/scan", "js/scan.js"), ("/enrol", "js/enrol.js")],
)
def test_pages_are_served_with_their_module(client: FlaskClient, path: str, module: str) -> None:
    resp = client.get(path)
    assert resp.status_code == 200
    assert resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert f'src="/static/{module}"' in html
    assert 'name="viewport"' in html


def test_scan_page_has_what_other_modules_rely_on(client: FlaskClient) -> None:
    html = client.get("/scan").get_data(as_text=True)
    # the camera module is started from #camera-button into #camera-view
    assert re.search(r'<video id="camera-view"[^>]*\bhidden\b', html)
    assert 'id="camera-button"' in html
    # the scan field never opens the soft keyboard by itself
    assert re.search(r'<input id="scan-input"[^>]*inputmode="none"', html)
    assert "/static/vendor/socket.io-client/socket.io.min.js" in html


def _worker(client: FlaskClient) -> tuple[str, list[str], str]:
    resp = client.get("/sw.js")
    assert resp.status_code == 200
    assert resp.mimetype == "text/javascript"
    body = resp.get_data(as_text=True)
    version = re.search(r'const CACHE = "scantrack-shell-([0-9a-f]{16})";', body)
    shell = re.search(r"const SHELL = (\[.*?\]);", body)
    assert version and shell, body[:300]
    return version.group(1), json.loads(shell.group(1)), resp.headers["Cache-Control"]


def test_service_worker_lists_the_shell(client: FlaskClient) -> None:
    _version, shell, cache_control = _worker(client)
    assert cache_control == "no-cache"
    assert shell[:3] == ["/", "/scan", "/enrol"]
    for needed in (
        "/static/js/scan.js",
        "/static/js/queue.js",
        "/static/css/handheld.css",
        "/static/vendor/socket.io-client/socket.io.min.js",
        "/static/vendor/idb/idb.js",
    ):
        assert needed in shell
    assert not [u for u in shell if u.endswith(("LICENSE", ".md", ".map"))]
    for url in shell[3:]:  # every listed file exists, so the worker's install never fails
        assert client.get(url).status_code == 200, url


def test_service_worker_version_follows_the_files(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    static = tmp_path / "static"  # a copy: other tests' browsers read the real folder
    shutil.copytree(STATIC, static)
    app.static_folder = str(static)
    before, _, _ = _worker(client)
    assert _worker(client)[0] == before  # stable while nothing changes
    extra = static / "js" / "zz-extra.js"
    extra.write_text("// a new file in the shell\n")
    added, shell, _ = _worker(client)
    assert added != before
    assert "/static/js/zz-extra.js" in shell
    extra.write_text("// the same file, changed\n")
    assert _worker(client)[0] not in (before, added)
    extra.unlink()
    assert _worker(client)[0] == before


def test_shell_files_skip_licences_and_notes() -> None:
    names = shell_files(STATIC)
    assert "vendor/idb/idb.js" in names
    assert "vendor/idb/LICENSE" not in names
    assert "vendor/README.md" not in names


def test_vendored_files_carry_their_licence() -> None:
    for pkg in (STATIC / "vendor").iterdir():
        if pkg.is_dir():
            assert (pkg / "LICENSE").is_file(), pkg
            assert pkg.name in (STATIC / "vendor" / "README.md").read_text()
