"""The label outbox: a committed number always gets its label, once.

Jobs are written by the generating transaction (``enqueue``). A printer worker claims
them (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's write lock serialises claims),
and reports back: printed; released (nothing was sent, retry later); or unconfirmed (the
outcome is unknown: an operator decides to reprint or mark printed). A claim whose worker
vanished is unconfirmed as well, never resent on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from tracking_core import events, validate
from tracking_core.context import Ctx
from tracking_core.db import Database
from tracking_core.errors import InvalidInput, LabelJobNotUnconfirmed, NotFound
from tracking_core.models import LabelJob, LabelJobEvent
from tracking_core.vocabulary import LABEL_KINDS, JobStatus, LabelKind, one_of

T = TypeVar("T")
STOPPED = "worker stopped while sending"
Decision = Literal["reprint", "printed", "cancel"]
# what a decision does to a job, for "a job that is printed cannot be marked as printed"
DECISION_TEXT: dict[str, str] = {
    "reprint": "reprinted",
    "printed": "marked as printed",
    "cancel": "cancelled",
}


@dataclass(frozen=True)
class JobInfo:
    id: int
    kind: LabelKind
    payload: dict[str, Any]
    labels: int
    copies: int
    document: str | None
    device: str | None
    printer: str | None
    status: JobStatus
    attempts: int
    sent_labels: int
    last_error: str | None
    created_at: dt.datetime
    printed_at: dt.datetime | None


def _info(j: LabelJob) -> JobInfo:
    return JobInfo(
        id=j.id,
        kind=j.kind,
        payload=dict(j.payload),
        labels=j.labels,
        copies=j.copies,
        document=j.document,
        device=j.device,
        printer=j.printer,
        status=j.status,
        attempts=j.attempts,
        sent_labels=j.sent_labels,
        last_error=j.last_error,
        created_at=j.created_at,
        printed_at=j.printed_at,
    )


def enqueue(
    ctx: Ctx,
    *,
    kind: LabelKind,
    payload: dict[str, Any],
    labels: int,
    document: str | None = None,
    copies: int = 1,
    printer: str | None = None,
) -> int:
    job = LabelJob(
        kind=one_of("kind", kind, LABEL_KINDS),
        payload=payload,
        labels=labels,
        copies=validate.quantity(copies),
        document=document,
        device=ctx.device,
        printer=printer,
        status="pending",
        attempts=0,
        sent_labels=0,
        created_at=ctx.now,
    )
    ctx.session.add(job)
    ctx.session.flush()
    return job.id


def _event(
    s: Session, job_id: int, event: str, actor: str | None, reason: str | None, now: dt.datetime
) -> None:
    s.add(LabelJobEvent(job_id=job_id, event=event, actor=actor, reason=reason, at=now))


def _new_label_event(kind: str, job: LabelJob, error: str | None) -> events.NewEvent:
    item = job.payload.get("item") if isinstance(job.payload, dict) else None
    data = {"job": job.id, "label_kind": job.kind, "labels": job.labels, "printer": job.printer}
    if error is not None:
        data["error"] = error
    return events.NewEvent(kind, job.document, item, data)


def _label_event(s: Session, now: dt.datetime, kind: str, job: LabelJob, error: str | None) -> None:
    events.emit_many(s, now, [_new_label_event(kind, job, error)])


def _job(s: Session, job_id: int) -> LabelJob:
    job = s.get(LabelJob, job_id, with_for_update=True)
    if job is None:
        raise NotFound(entity="label job", key=str(job_id))
    return job


class LabelOutbox:
    """The outbox's operations, each one transaction."""

    def __init__(self, db: Database, clock: Callable[[], dt.datetime]) -> None:
        self.db = db
        self.clock = clock

    def _run(self, fn: Callable[[Session, dt.datetime], T]) -> T:
        now = self.clock()
        return self.db.run(lambda s: fn(s, now))

    def enqueue(
        self,
        *,
        kind: LabelKind,
        payload: dict[str, Any],
        labels: int,
        document: str | None = None,
        copies: int = 1,
        printer: str | None = None,
        device: str | None = None,
    ) -> int:
        now = self.clock()
        return self.db.run(
            lambda s: enqueue(
                Ctx(s, now, device=device),
                kind=kind,
                payload=payload,
                labels=labels,
                document=document,
                copies=copies,
                printer=printer,
            )
        )

    def claim(self, *, worker: str, limit: int = 10) -> list[JobInfo]:
        """Take pending jobs for sending; each is ``sending`` until the worker reports."""

        def fn(s: Session, now: dt.datetime) -> list[JobInfo]:
            q = (
                select(LabelJob)
                .where(
                    LabelJob.status == "pending",
                    or_(LabelJob.not_before.is_(None), LabelJob.not_before <= now),
                )
                .order_by(LabelJob.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            jobs = list(s.execute(q).scalars())
            for j in jobs:
                j.status, j.claimed_by, j.claimed_at = "sending", worker, now
                j.attempts += 1
            s.flush()
            return [_info(j) for j in jobs]

        return self._run(fn)

    def _owned(self, s: Session, job_id: int, worker: str) -> LabelJob:
        job = _job(s, job_id)
        if job.status != "sending" or job.claimed_by != worker:
            raise InvalidInput(field="job", reason=f"job {job_id} is not being sent by {worker}")
        return job

    def progress(self, job_id: int, *, worker: str, sent_labels: int) -> None:
        """Record how many labels of a multi-label job went out (for the operator's view)."""

        def fn(s: Session, now: dt.datetime) -> None:
            self._owned(s, job_id, worker).sent_labels = sent_labels

        self._run(fn)

    def printed(self, job_id: int, *, worker: str) -> JobInfo:
        def fn(s: Session, now: dt.datetime) -> JobInfo:
            job = self._owned(s, job_id, worker)
            job.status, job.printed_at, job.sent_labels = "printed", now, job.labels
            _event(s, job.id, "printed", worker, None, now)
            _label_event(s, now, "label.printed", job, None)
            return _info(job)

        return self._run(fn)

    def release(self, job_id: int, *, worker: str, error: str, retry_in: float) -> JobInfo:
        """Nothing was sent, for certain (refused, printer not ready): try again later."""

        def fn(s: Session, now: dt.datetime) -> JobInfo:
            job = self._owned(s, job_id, worker)
            job.status, job.claimed_by, job.claimed_at = "pending", None, None
            job.not_before = now + dt.timedelta(seconds=retry_in)
            job.last_error = error[:500]
            _event(s, job.id, "retry", worker, error[:200], now)
            return _info(job)

        return self._run(fn)

    def unconfirmed(self, job_id: int, *, worker: str, error: str) -> JobInfo:
        """The outcome is unknown (connection broke mid-send): wait for an operator."""

        def fn(s: Session, now: dt.datetime) -> JobInfo:
            job = self._owned(s, job_id, worker)
            job.status, job.last_error = "unconfirmed", error[:500]
            _event(s, job.id, "unconfirmed", worker, error[:200], now)
            _label_event(s, now, "label.failed", job, error[:200])
            return _info(job)

        return self._run(fn)

    def recover(self, *, stale_after: float) -> list[int]:
        """Claims older than ``stale_after`` seconds belong to dead workers: unconfirmed."""

        def fn(s: Session, now: dt.datetime) -> list[int]:
            cutoff = now - dt.timedelta(seconds=stale_after)
            ids = list(
                s.execute(
                    select(LabelJob.id)
                    .where(LabelJob.status == "sending", LabelJob.claimed_at < cutoff)
                    .with_for_update(skip_locked=True)
                ).scalars()
            )
            if ids:
                s.execute(
                    update(LabelJob)
                    .where(LabelJob.id.in_(ids))
                    .values(status="unconfirmed", last_error=STOPPED)
                    .execution_options(synchronize_session=False)
                )
                for i in ids:
                    _event(s, i, "unconfirmed", None, STOPPED, now)
                # the outcome is unknown, as after a broken send: the same label.failed
                jobs = s.execute(
                    select(LabelJob).where(LabelJob.id.in_(ids)).order_by(LabelJob.id)
                ).scalars()
                failed = [_new_label_event("label.failed", j, STOPPED) for j in jobs]
                events.emit_many(s, now, failed)
            return ids

        return self._run(fn)

    def decide(self, job_id: int, decision: Decision, *, actor: str, reason: str = "") -> JobInfo:
        """An operator's word on a job: reprint it, take it as printed, or cancel it.

        Reprint also applies to printed jobs (a torn label), with who and why recorded.
        """

        def fn(s: Session, now: dt.datetime) -> JobInfo:
            job = _job(s, job_id)
            allowed = {
                "reprint": ("unconfirmed", "printed", "cancelled"),
                "printed": ("unconfirmed",),
                "cancel": ("unconfirmed", "pending"),
            }
            if decision not in allowed:
                raise InvalidInput(field="decision", reason="must be reprint, printed or cancel")
            if job.status not in allowed[decision]:
                done = DECISION_TEXT[decision]
                raise InvalidInput(
                    field="decision", reason=f"a job that is {job.status} cannot be {done}"
                )
            if decision == "reprint":
                job.status, job.not_before, job.sent_labels = "pending", None, 0
                job.claimed_by = job.claimed_at = None
            elif decision == "printed":
                job.status, job.printed_at = "printed", now
            else:
                job.status = "cancelled"
            _event(
                s,
                job.id,
                decision,
                validate.code("actor", actor),
                validate.text("reason", reason) or None,
                now,
            )
            return _info(job)

        return self._run(fn)

    def reprint(
        self,
        job_id: int,
        *,
        actor: str,
        reason: str,
        copies: int | None = None,
        printer: str | None = None,
    ) -> JobInfo:
        """A new job with the same labels (the original keeps its history), audited on both."""

        def fn(s: Session, now: dt.datetime) -> JobInfo:
            old = _job(s, job_id)
            who = validate.code("actor", actor)
            why = validate.text("reason", reason)
            if not why:
                raise InvalidInput(field="reason", reason="is required for a reprint")
            new_id = enqueue(
                Ctx(s, now, device=old.device),
                kind=old.kind,
                payload=dict(old.payload),
                labels=old.labels,
                document=old.document,
                copies=old.copies if copies is None else copies,
                printer=printer or old.printer,
            )
            _event(s, old.id, f"reprinted_as:{new_id}", who, why, now)
            _event(s, new_id, f"reprint_of:{old.id}", who, why, now)
            return _info(_job(s, new_id))

        return self._run(fn)

    def settle(self, job_id: int, outcome: str, *, actor: str, reason: str) -> JobInfo:
        """An operator's decision on an ``unconfirmed`` job: printed, resend or cancel."""
        decision: dict[str, Decision] = {
            "printed": "printed",
            "resend": "reprint",
            "cancel": "cancel",
        }
        if outcome not in decision:
            raise InvalidInput(field="outcome", reason="must be printed, resend or cancel")
        if not validate.text("reason", reason).strip():
            raise InvalidInput(field="reason", reason="is required for a decision")
        job = self.job(job_id)
        if job.status != "unconfirmed":
            raise LabelJobNotUnconfirmed(job=job.id, status=job.status)
        return self.decide(job_id, decision[outcome], actor=actor, reason=reason)

    def jobs(
        self,
        *,
        status: JobStatus | None = None,
        printer: str | None = None,
        document: str | None = None,
        kind: LabelKind | None = None,
        after: int | None = None,
        limit: int = 100,
    ) -> list[JobInfo]:
        """Jobs newest first; ``after``: only ids below it (the previous page's last id)."""

        def fn(s: Session) -> list[JobInfo]:
            q = select(LabelJob).order_by(LabelJob.id.desc()).limit(min(limit, 1000))
            for column, value in (
                (LabelJob.status, status),
                (LabelJob.printer, printer),
                (LabelJob.document, document),
                (LabelJob.kind, kind),
            ):
                if value:
                    q = q.where(column == value)
            if after is not None:
                q = q.where(LabelJob.id < after)
            return [_info(j) for j in s.execute(q).scalars()]

        return self.db.run(fn, readonly=True)

    def job(self, job_id: int) -> JobInfo:
        return self.db.run(lambda s: _info(_job(s, job_id)))

    def events(self, job_id: int) -> list[tuple[str, str | None, str | None, dt.datetime]]:
        def fn(s: Session) -> list[tuple[str, str | None, str | None, dt.datetime]]:
            rows = s.execute(
                select(
                    LabelJobEvent.event, LabelJobEvent.actor, LabelJobEvent.reason, LabelJobEvent.at
                )
                .where(LabelJobEvent.job_id == job_id)
                .order_by(LabelJobEvent.id)
            ).all()
            return [(e, a, r, at) for e, a, r, at in rows]

        return self.db.run(fn, readonly=True)
