"""Feedback: what the operator sees and hears after each scan.

The one place where domain errors become feedback (:func:`from_error`), so a serial
scanner and a phone behave the same.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from tracking_core.errors import DomainError
from tracking_core.scan.state import SessionState

Status = Literal["ok", "warn", "error"]
SOUNDS: dict[str, str] = {"ok": "beep", "warn": "double-beep", "error": "buzz"}


@dataclass(frozen=True)
class Feedback:
    status: Status
    code: str
    message: str
    prompt: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def sound(self) -> str:
        return SOUNDS[self.status]

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["sound"] = self.sound
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Feedback:
        return cls(
            status=data["status"],
            code=data["code"],
            message=data["message"],
            prompt=data.get("prompt", ""),
            data=dict(data.get("data") or {}),
        )


def from_error(err: DomainError, *, prompt: str = "") -> Feedback:
    """A refused step: the error's stable code and data, and what to scan instead."""
    return Feedback(
        status="error",
        code=err.code,
        message=str(err),
        prompt=prompt,
        data={"error": err.details()},
    )


def doc_words(doc_type: str) -> str:
    """A document type as words in a sentence: ``customer_return`` -> ``customer return``."""
    return doc_type.replace("_", " ")


def doc_title(doc_type: str) -> str:
    """A document type to start a sentence: ``customer_return`` -> ``Customer return``."""
    return doc_words(doc_type).capitalize()


def box_name(code: str) -> str:
    """How a container is named to the operator: an SSCC by its last four digits (the end
    of its serial reference, printed large on the label), a licence plate whole.

    >>> box_name("106141412345678908"), box_name("LP-17")
    ('…8908', 'LP-17')
    """
    return f"…{code[-4:]}" if len(code) == 18 and code.isdigit() else code


def error(code: str, message: str, *, prompt: str = "", **data: Any) -> Feedback:
    return Feedback(status="error", code=code, message=message, prompt=prompt, data=data)


def ok(code: str, message: str, **data: Any) -> Feedback:
    return Feedback(status="ok", code=code, message=message, data=data)


@dataclass(frozen=True)
class ScanReply:
    """What one scan did: the answer, and the device's session after it.

    ``state`` is None when the scan never reached the core (an internal error);
    ``station``: the device's own station (None: it has none, or it is not known).
    """

    feedback: Feedback
    state: SessionState | None = None
    station: str | None = None
