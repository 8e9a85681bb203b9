"""Answers in JSON, CSV or JSON Lines: chosen by ``format=`` or the Accept header, and the
streamed bodies of CSV and JSON Lines (written as they are read, batch by batch)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

from flask import Response, current_app, request

from web_mobile.api.inputs import choice_arg

Format = Literal["json", "csv", "jsonl"]
FORMATS: tuple[Format, ...] = ("json", "csv", "jsonl")
MEDIA: dict[Format, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
}
# what an Accept header may name for each format (the first that fits wins; */*: JSON)
_ACCEPTED: tuple[tuple[str, Format], ...] = (
    ("application/json", "json"),
    ("text/csv", "csv"),
    ("application/x-ndjson", "jsonl"),
    ("application/jsonl", "jsonl"),
)


def answer_format(formats: Sequence[Format] = FORMATS) -> Format:
    """``format=`` if given (else a 422), else the best of the Accept header, else JSON."""
    given = choice_arg("format", tuple(formats))
    if given is not None:
        return given
    offered = [m for m, f in _ACCEPTED if f in formats]
    best = request.accept_mimetypes.best_match(offered, default="application/json")
    return dict(_ACCEPTED).get(best or "", "json")


def csv_lines(header: Sequence[str], batches: Iterable[Iterable[Sequence[Any]]]) -> Iterator[str]:
    """The header line, then one chunk of CSV lines per batch of rows."""
    yield _csv([header])
    for rows in batches:
        chunk = _csv(rows)
        if chunk:
            yield chunk


def _csv(rows: Iterable[Sequence[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def json_lines(batches: Iterable[Iterable[Any]]) -> Iterator[str]:
    """One JSON object a line, one chunk per batch."""
    for objects in batches:
        chunk = "".join(json.dumps(o, separators=(",", ":")) + "\n" for o in objects)
        if chunk:
            yield chunk


def streamed(chunks: Iterator[str], fmt: Format, headers: dict[str, str]) -> Response:
    """A 200 whose body is written as ``chunks`` come (never held whole in memory)."""
    resp = current_app.response_class(chunks, status=200, content_type=MEDIA[fmt])
    for name, value in headers.items():
        resp.headers[name] = value
    return resp
