"""The handheld pages: landing, scan screen, enrolment, and the root-scoped service worker.

The pages are plain HTML with ES modules from ``web_mobile/static/`` (no build step);
everything they show comes over Socket.IO (namespace ``/scan``) and the REST API with the
device token kept in the browser. The service worker caches the app shell so ``/scan``
reloads without a connection; its cache name is a digest of the shell's files, so a
changed file makes browsers fetch the new shell.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, render_template

bp = Blueprint("handheld", __name__)

PAGES = ("/", "/scan", "/enrol")
# What the service worker keeps for offline use; source maps, licences and notes stay out.
SHELL_DIRS = ("js", "css", "vendor", "img")
SHELL_SKIP = (".map", ".md", "LICENSE")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.get("/")
def landing() -> str:
    return render_template("handheld/landing.html")


@bp.get("/scan")
def scan() -> str:
    return render_template("handheld/scan.html")


@bp.get("/enrol")
def enrol() -> str:
    return render_template("handheld/enrol.html")


@bp.get("/sw.js")
def service_worker() -> Response:
    files = shell_files(Path(current_app.static_folder or ""))
    urls = [*PAGES, *(f"{current_app.static_url_path}/{name}" for name in files)]
    body = render_template("handheld/sw.js", version=shell_version(files), shell=json.dumps(urls))
    resp = current_app.response_class(body, mimetype="text/javascript")
    # Browsers check for a new worker on each navigation; never let a proxy keep an old one.
    resp.headers["Cache-Control"] = "no-cache"
    return resp


def shell_files(static: Path) -> dict[str, Path]:
    """The shell's static files by URL path below ``/static``, in a stable order."""
    out: dict[str, Path] = {}
    for sub in SHELL_DIRS:
        for path in sorted((static / sub).rglob("*")):
            if path.is_file() and not path.name.endswith(SHELL_SKIP):
                out[path.relative_to(static).as_posix()] = path
    return out


def shell_version(files: dict[str, Path]) -> str:
    """A digest of the shell: the static files' contents and the page templates."""
    digest = hashlib.sha256()
    templates = Path(current_app.root_path, current_app.template_folder or "templates")
    pages = {f"templates/{p.name}": p for p in sorted((templates / "handheld").glob("*"))}
    for name, path in [*files.items(), *pages.items()]:
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
