"""The key that signs the supervisor pages' session cookie.

``SECRET_KEY`` in the app config, else ``SCANTRACK_SECRET_KEY``, else a random key made once
in a file ``secret_key`` (mode 0600) beside the SQLite database, or in the data directory
for other databases. Never a constant: a known key would let anyone forge a session.
The file is made only when a request first needs the session, never at import or start.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from tracking_core.db import data_dir

FILE_NAME = "secret_key"


def key_dir(database_url: str) -> Path:
    """Where the key file lives for this database."""
    url = make_url(database_url)
    name = url.database or ""
    if url.get_backend_name() == "sqlite" and name and name != ":memory:" and name[:5] != "file:":
        return Path(name).absolute().parent
    return data_dir()


def load_or_create(directory: Path) -> str:
    """The key in ``directory/secret_key``, made (0600) if there is none yet.

    Written to a private temporary file and hard-linked into place, so two processes
    starting together agree on one key and never read a half-written file.
    """
    path = directory / FILE_NAME
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48) + "\n")
            with contextlib.suppress(FileExistsError):  # another process won: use its key
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable key (under 32 characters): remove it")
    return key
