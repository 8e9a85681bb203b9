"""The session key: from the config or the environment, else a 0600 file made once."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.web.conftest import ADMIN_TOKEN
from tests.web.supervisor.conftest import Page
from tracking_core.core import Tracking
from web_mobile.app import create_app
from web_mobile.supervisor import secret


def signed_in(core: Tracking, **config: str) -> Page:
    app = create_app({"TRACKING": core, "BOOTSTRAP_TOKEN": ADMIN_TOKEN, "MIGRATE": False, **config})
    p = Page(app.test_client())
    p.sign_in_token(ADMIN_TOKEN)
    assert p.get("/documents").status_code == 200
    return p


def test_a_key_file_is_made_once_beside_the_sqlite_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCANTRACK_SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path}/db/scantrack.db"
    assert secret.key_dir(url) == tmp_path / "db"
    first = secret.load_or_create(tmp_path / "db")
    path = tmp_path / "db" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(first) >= 32
    assert secret.load_or_create(tmp_path / "db") == first
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary left


def test_other_databases_keep_it_in_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCANTRACK_DATA_DIR", str(tmp_path))
    assert secret.key_dir("postgresql+psycopg://u@h/db") == tmp_path
    assert secret.key_dir("sqlite://") == tmp_path


def test_a_short_key_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("short\n")
    with pytest.raises(RuntimeError, match="remove it"):
        secret.load_or_create(tmp_path)


def test_sessions_survive_a_restart_with_the_key_file(
    core: Tracking, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCANTRACK_SECRET_KEY", raising=False)
    monkeypatch.setenv("SCANTRACK_DATA_DIR", str(tmp_path))
    p = signed_in(core)
    made = list(tmp_path.iterdir()) + list(
        Path(str(core.db.engine.url.database or "")).parent.glob("secret_key")
    )
    assert any(f.name == "secret_key" for f in made)
    again = create_app({"TRACKING": core, "MIGRATE": False}).test_client()
    cookie = p.client.get_cookie("session")
    assert cookie is not None
    again.set_cookie("session", cookie.value)
    assert again.get("/supervisor/documents").status_code == 200


def test_the_environment_key_is_used_and_no_file_made(
    core: Tracking, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCANTRACK_SECRET_KEY", "from-the-environment-0123456789-abcdef")
    monkeypatch.setenv("SCANTRACK_DATA_DIR", str(tmp_path))
    db_dir = Path(str(core.db.engine.url.database or "/nonexistent")).parent
    before = set(db_dir.glob("secret_key")) if db_dir.is_dir() else set()
    p = signed_in(core)
    assert p.client.application.secret_key == "from-the-environment-0123456789-abcdef"
    assert not (tmp_path / "secret_key").exists()
    assert (set(db_dir.glob("secret_key")) if db_dir.is_dir() else set()) == before
    assert os.environ["SCANTRACK_SECRET_KEY"]
