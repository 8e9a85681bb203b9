"""The README's signature check accepts what the webhook sender signs, and nothing else."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from scanner_gateway.events.signing import signature

README = Path(__file__).resolve().parents[2] / "README.md"


def _snippet() -> Any:
    text = README.read_text()
    section = text[text.index("### Webhooks") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "no Python block under ### Webhooks"
    scope: dict[str, Any] = {}
    exec(code.group(1), scope)
    return scope["verify"]


def test_the_readme_snippet_verifies_the_senders_signature() -> None:
    verify = _snippet()
    body = b'{"id":1,"kind":"document.posted"}'
    now = int(time.time())
    header = signature("s3cret", now, body)
    assert verify("s3cret", header, body)
    assert not verify("other", header, body)
    assert not verify("s3cret", header, body + b" ")
    assert not verify("s3cret", signature("s3cret", now - 3600, body), body)  # a replay
