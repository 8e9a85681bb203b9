"""An outbox job's labels in one format: what the CLI preview and the REST API hand out.

>>> data = render_job("location", {"code": "A-01", "name": "Aisle A"}, "zpl")
>>> data.startswith(b"^XA")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner_gateway.labels.errors import InvalidLabelData
from scanner_gateway.labels.image import render_png, render_svg
from scanner_gateway.labels.model import labels_from_payload
from scanner_gateway.labels.pdf import render_pdf
from scanner_gateway.labels.zpl import zpl_for_job

__all__ = ["FORMATS", "MEDIA_TYPES", "render_job"]

# ZPL is plain ASCII text; there is no registered media type for it.
MEDIA_TYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "zpl": "text/plain; charset=utf-8",
}
FORMATS = tuple(MEDIA_TYPES)


def render_job(
    kind: str,
    payload: Mapping[str, Any],
    fmt: str,
    *,
    dpi: int = 203,
    copies: int = 1,
    index: int = 0,
) -> bytes:
    """PNG and SVG: the label at ``index``; PDF and ZPL: all of them (ZPL with ``copies``)."""
    made = labels_from_payload(kind, payload)
    if fmt in ("png", "svg"):
        if not 0 <= index < len(made):
            raise InvalidLabelData(
                field="label", value=str(index + 1), reason=f"the job has {len(made)} label(s)"
            )
        if fmt == "png":
            return render_png(made[index], dpi=dpi)
        return render_svg(made[index], dpi=dpi).encode()
    if fmt == "pdf":
        return render_pdf(made, dpi=dpi)
    if fmt == "zpl":
        return b"".join(zpl_for_job(kind, payload, copies=copies, dpi=dpi))
    raise InvalidLabelData(field="format", value=fmt, reason=f"must be one of {', '.join(FORMATS)}")
