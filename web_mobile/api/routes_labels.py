"""Labels over HTTP: the outbox, each job's labels as PNG/PDF/SVG/ZPL, reprints, decisions."""

from __future__ import annotations

from typing import Any

from flask import current_app

from scanner_gateway.interpret.profile import ScanProfile
from scanner_gateway.labels import MEDIA_TYPES, render_job
from tracking_core import JOB_STATUSES, LABEL_KINDS
from tracking_core.codec import encode
from web_mobile.api import blueprint as bp
from web_mobile.api.answers import LabelJobDetail, LabelJobEvent, LabelJobList, SsccLabels
from web_mobile.api.auth import actor, core, current_token
from web_mobile.api.bodies import Decision, LocationLabelsRequest, Reprint, SsccRequest
from web_mobile.api.errors import ApiError, invalid_request
from web_mobile.api.inputs import arg, choice_arg, int_arg
from web_mobile.api.openapi import ANY_ROLE, INT32_MAX, LABEL_DECISIONS, LABELS
from web_mobile.api.routing import endpoint

JOB = "/labels/jobs/<int:job_id>"
DPIS = ("203", "300", "600")


def _event_json(event: str, actor: str | None, reason: str | None, at: Any) -> LabelJobEvent:
    # reprints store the other job's id in the event: "reprinted_as:57", "reprint_of:12"
    name, _, other = event.partition(":")
    job = int(other) if other.isdigit() else None
    return {"event": name, "job": job, "actor": actor, "reason": reason, "at": encode(at)}


def job_detail(job_id: int) -> LabelJobDetail:
    outbox = core().outbox
    job = outbox.job(job_id)
    return {"job": encode(job), "events": [_event_json(*e) for e in outbox.events(job_id)]}


@endpoint(bp, "GET", "/labels/jobs", roles=ANY_ROLE)
def list_label_jobs() -> Any:
    limit = int_arg("limit", 100, low=1, high=1000)
    after = int_arg("after", 0, low=1, high=INT32_MAX) if arg("after") else None
    jobs = core().outbox.jobs(
        status=choice_arg("status", JOB_STATUSES),
        printer=arg("printer"),
        document=arg("document"),
        kind=choice_arg("kind", LABEL_KINDS),
        after=after,
        limit=limit + 1,  # one more: is there a next page?
    )
    page = jobs[:limit]
    answer: LabelJobList = {
        "jobs": encode(page),
        "next": page[-1].id if len(jobs) > limit else None,
    }
    return answer


@endpoint(bp, "GET", JOB, roles=ANY_ROLE)
def get_label_job(job_id: int) -> Any:
    return job_detail(job_id)


@endpoint(bp, "GET", f"{JOB}/label.<fmt>", roles=ANY_ROLE)
def label_body(job_id: int, fmt: str) -> Any:
    if fmt not in MEDIA_TYPES:
        raise ApiError(
            404,
            "unknown_label_format",
            f"No label format {fmt!r}; there are {', '.join(MEDIA_TYPES)}",
            {"format": fmt, "formats": list(MEDIA_TYPES)},
        )
    dpi = int(choice_arg("dpi", DPIS, "203") or "203")
    index = int_arg("label", 1, low=1, high=INT32_MAX) - 1
    job = core().outbox.job(job_id)
    data = render_job(job.kind, job.payload, fmt, dpi=dpi, copies=job.copies, index=index)
    resp = current_app.response_class(data, status=200, content_type=MEDIA_TYPES[fmt])
    disposition = "attachment" if fmt == "zpl" else "inline"
    resp.headers["Content-Disposition"] = f'{disposition}; filename="label-job-{job.id}.{fmt}"'
    return resp


@endpoint(bp, "POST", f"{JOB}/reprint", roles=LABELS, body="Reprint", status=201)
def reprint_label_job(job_id: int, body: Reprint) -> Any:
    if not body["reason"].strip():
        raise invalid_request("reason", "must not be empty")
    new = core().outbox.reprint(
        job_id,
        actor=current_token().name,
        reason=body["reason"],
        copies=body.get("copies"),
        printer=body.get("printer"),
    )
    return job_detail(new.id)


@endpoint(bp, "POST", f"{JOB}/decide", roles=LABEL_DECISIONS, body="Decision")
def decide_label_job(job_id: int, body: Decision) -> Any:
    if not body["reason"].strip():
        raise invalid_request("reason", "must not be empty")
    core().outbox.settle(job_id, body["outcome"], actor=current_token().name, reason=body["reason"])
    return job_detail(job_id)


MAX_LOCATIONS = 1000


@endpoint(bp, "POST", "/labels/sscc", roles=LABELS, body="SsccRequest", status=201)
def sscc_labels(body: SsccRequest) -> Any:
    codes, job = core().sscc_labels(
        body["count"],
        contents={"unit": body.get("kind", "pallet")},
        printer=body.get("printer"),
        actor=actor(),
    )
    assert job is not None  # label=True: the job is written with the numbers
    answer: SsccLabels = {"ssccs": codes, "job": encode(core().outbox.job(job))}
    return answer


@endpoint(bp, "POST", "/labels/locations", roles=LABELS, body="LocationLabelsRequest", status=201)
def location_labels(body: LocationLabelsRequest) -> Any:
    codes = body.get("codes")
    first, last = body.get("from"), body.get("to")
    if (codes is None) == (first is None and last is None):
        raise invalid_request("codes", "give codes, or from and to")
    if codes is None and (first is None or last is None):
        raise invalid_request("to" if last is None else "from", "is required with the other")
    job = core().location_labels(
        codes=codes,
        first=first,
        last=last,
        prefix=ScanProfile().labels.location or "",
        printer=body.get("printer"),
        limit=MAX_LOCATIONS,
        actor=actor(),
    )
    return job_detail(job)
