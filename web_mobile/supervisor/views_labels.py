"""The label outbox (filters, deciding unconfirmed jobs, reprints, previews) and printers."""

from __future__ import annotations

import os
from typing import Any

from flask import Response, current_app, redirect, render_template, url_for

from tracking_core import JOB_STATUSES, JobStatus
from tracking_core.errors import InvalidInput
from tracking_core.outbox import JobInfo
from web_mobile.supervisor import blueprint as bp
from web_mobile.supervisor import forms
from web_mobile.supervisor import session as sv

# What the page offers for an unconfirmed job, as the outbox's decisions.
OUTCOMES = {"printed": "printed", "resend": "reprint", "cancel": "cancel"}
LABEL_ACTION = "scan"  # operators reprint from the scan screen: the same role decides here


def jobs(
    *, status: JobStatus | None, printer: str | None, document: str | None, limit: int
) -> list[JobInfo]:
    outbox = sv.core().outbox
    found = outbox.jobs(status=status, limit=1000 if printer or document else limit)
    return [
        j
        for j in found
        if (printer is None or j.printer == printer)
        and (document is None or j.document == document)
    ][:limit]


@bp.get("/labels")
@sv.requires("read")
def labels() -> Any:
    status = forms.choice("status", JOB_STATUSES)
    printer, document = forms.text("printer"), forms.text("document")
    found = jobs(
        status=status, printer=printer, document=document, limit=forms.number("limit", 100)
    )
    filters = {"status": status, "printer": printer, "document": document}
    return render_template(
        "supervisor/labels.html", jobs=found, filters=filters, statuses=JOB_STATUSES
    )


@bp.get("/labels/<int:job_id>")
@sv.requires("read")
def label_job(job_id: int) -> Any:
    outbox = sv.core().outbox
    job = outbox.job(job_id)
    return render_template("supervisor/label_job.html", job=job, events=outbox.events(job_id))


@bp.get("/labels/<int:job_id>/label.png")
@sv.requires("read")
def label_png(job_id: int) -> Any:
    from scanner_gateway.labels import labels_from_payload, render_png

    job = sv.core().outbox.job(job_id)
    png = render_png(labels_from_payload(job.kind, job.payload)[0], dpi=203)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=60"})


def _reason() -> str:
    reason = forms.form("reason", required=True)
    assert reason is not None
    return reason


@bp.post("/labels/<int:job_id>/decide")
@sv.requires(LABEL_ACTION)
def label_decide(job_id: int) -> Any:
    outcome = forms.choice("outcome", tuple(OUTCOMES), source="form")
    if outcome is None:
        raise InvalidInput(field="outcome", reason="must be one of printed, resend, cancel")
    reason = _reason()
    outbox = sv.core().outbox
    if outbox.job(job_id).status != "unconfirmed":
        raise InvalidInput(field="job", reason=f"job {job_id} is not unconfirmed")
    who = sv.viewer()
    assert who is not None
    outbox.decide(job_id, OUTCOMES[outcome], actor=who.actor_name, reason=reason)  # type: ignore[arg-type]
    return redirect(url_for("supervisor.label_job", job_id=job_id))


@bp.post("/labels/<int:job_id>/reprint")
@sv.requires(LABEL_ACTION)
def label_reprint(job_id: int) -> Any:
    reason = _reason()
    who = sv.viewer()
    assert who is not None
    sv.core().outbox.decide(job_id, "reprint", actor=who.actor_name, reason=reason)
    return redirect(url_for("supervisor.label_job", job_id=job_id))


def printers_config() -> str | None:
    path: str | None = current_app.config.get("PRINTERS_CONFIG") or os.environ.get(
        "SCANTRACK_PRINTERS_CONFIG"
    )
    return path


@bp.get("/printers")
@sv.requires("read")
def printers() -> Any:
    from scanner_gateway.printing.config import PrinterConfigError, load_printers

    path = printers_config()
    rows: list[dict[str, Any]] = []
    error = None
    check = forms.text("status") == "1"
    if path:
        try:
            configs = load_printers(path).configs
        except (PrinterConfigError, OSError) as exc:
            error = str(exc)
            configs = {}
        for c in configs.values():
            row: dict[str, Any] = {"name": c.name, "url": c.url, "dpi": c.dpi, "default": c.default}
            if check:
                st = c.open().status()  # ~HS on a raw TCP printer
                row["status"] = "ready" if st.ready else f"not ready: {st.reason}"
            rows.append(row)
    return render_template(
        "supervisor/printers.html", printers=rows, path=path, error=error, checked=check
    )
