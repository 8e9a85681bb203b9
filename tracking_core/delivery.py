"""Subscriptions and the delivery state of the event outbox, for the gateway's workers.

Delivery is at least once, in order per document: ``fan_out`` copies new events into
``event_deliveries`` for each subscription whose filter takes them; ``claim`` hands out,
per document, a run of events from its first undelivered one (an earlier one sending,
dead or backing off holds the later ones back, other documents go on), for the worker to
send in order; ``settle`` records a batch's outcome in one transaction. A failure is
retried with exponential backoff and jitter until ``max_attempts``, then the delivery is
dead until replayed. A claim whose worker vanished goes back to pending (sent again:
receivers dedup by id).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import (
    ColumnElement,
    and_,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, aliased

from tracking_core import validate
from tracking_core.db import Database
from tracking_core.errors import InvalidInput, NotFound
from tracking_core.events import EVENT_KINDS, SEQ_KEY, Event
from tracking_core.models import Counter, EventDelivery, OutboxEvent, Subscription

T = TypeVar("T")
CHANNELS = ("webhook", "mqtt")
SCHEMES = {"webhook": ("http", "https"), "mqtt": ("mqtt",)}


@dataclass(frozen=True)
class SubscriptionInfo:
    id: int
    name: str
    channel: str
    url: str
    topic_prefix: str | None
    kinds: list[str] | None
    created_at: dt.datetime


@dataclass(frozen=True)
class Claimed:
    subscription: SubscriptionInfo
    secret: str | None
    event: Event
    attempts: int


@dataclass(frozen=True)
class DeliveryInfo:
    subscription: int
    seq: int
    document: str | None
    status: str
    attempts: int
    last_error: str | None


@dataclass(frozen=True)
class Settled:
    delivered: int  # how many of the delivered were still this worker's claims
    failed: list[DeliveryInfo | None]  # per failure, in order; None: no longer ours
    released: int


@dataclass(frozen=True)
class _Candidate:
    subscription_id: int
    seq: int
    document: str | None
    attempts: int


def _by_subscription(keys: Iterable[tuple[int, int]]) -> list[tuple[int, list[int]]]:
    grouped: dict[int, list[int]] = {}
    for sub_id, seq in keys:
        grouped.setdefault(sub_id, []).append(seq)
    return sorted(grouped.items())


def _open(t: type[EventDelivery]) -> ColumnElement[bool]:
    # literals, not parameters: SQLite matches a partial index's WHERE term by term
    return t.status != literal_column("'delivered'")


def _may_block(t: type[EventDelivery]) -> ColumnElement[bool]:
    """models.BLOCKING: sending, dead, or pending with a backoff (maybe not due yet)."""
    return and_(_open(t), or_(t.status != literal_column("'pending'"), t.not_before.is_not(None)))


def _candidates(s: Session, now: dt.datetime, channel: str, limit: int) -> list[_Candidate]:
    """Pending, due, and no earlier event of the document blocks it: locked, skipping rows
    another worker is claiming."""
    if s.get_bind().dialect.name == "postgresql":
        # the plan's cost, guessed for the worst case (every pending row held back), crosses
        # jit_above_cost: compiling would take ~0.4 s for a query that runs in ~5 ms
        s.execute(text("SET LOCAL jit = off"))
    d = EventDelivery
    e = aliased(EventDelivery)
    # the terms of the partial index ix_event_deliveries_blocking, then what blocks
    blocking = and_(_may_block(e), or_(e.status != "pending", e.not_before > now))
    held = (
        select(e.seq)
        .where(
            e.subscription_id == d.subscription_id,
            e.document == d.document,
            e.seq < d.seq,
            blocking,
        )
        .exists()
    )
    q = (
        select(d.subscription_id, d.seq, d.document, d.attempts)
        .join(Subscription, Subscription.id == d.subscription_id)
        .where(
            Subscription.channel == channel,
            d.status == "pending",
            or_(d.not_before.is_(None), d.not_before <= now),
            or_(d.document.is_(None), ~held),
        )
        .order_by(d.seq)
        .limit(limit)
        .with_for_update(of=d, skip_locked=True)
    )
    return [_Candidate(*r) for r in s.execute(q).all()]


def _prefixes(s: Session, rows: list[_Candidate]) -> set[tuple[int, int]]:
    """The candidates that, per document, run from its first undelivered event on with no
    undelivered event left out (left out: locked by a concurrent claim, or past ``limit``)."""
    keys = {(r.subscription_id, r.seq) for r in rows}
    ok = {(r.subscription_id, r.seq) for r in rows if r.document is None}
    last: dict[tuple[int, str], int] = {}
    for r in rows:
        if r.document is not None:
            last[(r.subscription_id, r.document)] = r.seq  # rows come in seq order
    for sub_id in sorted({k[0] for k in last}):
        docs: dict[str | None, int] = {
            doc: seq for (sid, doc), seq in last.items() if sid == sub_id
        }
        d = EventDelivery
        undelivered = s.execute(
            select(d.document, d.seq)
            .where(
                _open(d),
                d.subscription_id == sub_id,
                d.document.in_(docs),
                d.seq <= max(docs.values()),
            )
            .order_by(d.document, d.seq)
        ).all()
        stopped: set[str | None] = set()
        for doc, seq in undelivered:
            if doc in stopped or seq > docs[doc]:
                continue
            if (sub_id, seq) in keys:
                ok.add((sub_id, seq))
            else:
                stopped.add(doc)  # a gap: nothing of this document after it
    return ok


def backoff(attempt: int, *, base: float, cap: float, rand: float) -> float:
    """Seconds before retry ``attempt`` (1 = after the first failure): doubling up to
    ``cap``, then jittered into [half, whole] by ``rand`` in [0, 1) ("equal jitter")."""
    whole = float(min(cap, base * 2 ** (attempt - 1)))
    return whole / 2 + whole / 2 * rand


def check_url(channel: str, url: str) -> str:
    if channel not in CHANNELS:
        raise InvalidInput(field="channel", reason="must be webhook or mqtt")
    text = validate.text("url", url).strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as e:
        raise InvalidInput(field="url", reason=f"is not a URL: {e}") from e
    if parts.scheme not in SCHEMES[channel]:
        schemes = " or ".join(f"{s}://" for s in SCHEMES[channel])
        raise InvalidInput(field="url", reason=f"a {channel} URL starts with {schemes}")
    if not parts.hostname:
        raise InvalidInput(field="url", reason="has no host")
    if channel == "mqtt" and (parts.path not in ("", "/") or parts.query):
        raise InvalidInput(field="url", reason="an MQTT URL is mqtt://host[:port], no path")
    del port
    return text


def _kinds(kinds: Sequence[str] | None) -> list[str] | None:
    if not kinds:
        return None
    unknown = sorted(set(kinds) - set(EVENT_KINDS))
    if unknown:
        raise InvalidInput(field="kinds", reason=f"unknown event kinds: {', '.join(unknown)}")
    return sorted(set(kinds))


def _info(r: Subscription) -> SubscriptionInfo:
    return SubscriptionInfo(
        r.id,
        r.name,
        r.channel,
        r.url,
        r.topic_prefix,
        list(r.kinds) if r.kinds is not None else None,
        r.created_at,
    )


def _delivery(d: EventDelivery) -> DeliveryInfo:
    return DeliveryInfo(d.subscription_id, d.seq, d.document, d.status, d.attempts, d.last_error)


def _sub(s: Session, sub_id: int, *, lock: bool = False) -> Subscription:
    row = s.get(Subscription, sub_id, with_for_update=lock or None)
    if row is None:
        raise NotFound(entity="subscription", key=str(sub_id))
    return row


class EventDeliveries:
    """Subscriptions and deliveries, each operation one transaction."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], dt.datetime],
        *,
        max_attempts: int = 8,
        base_delay: float = 1.0,
        max_delay: float = 300.0,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.db = db
        self.clock = clock
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.rand = rand

    def _run(self, fn: Callable[[Session, dt.datetime], T]) -> T:
        now = self.clock()
        return self.db.run(lambda s: fn(s, now))

    # --- subscriptions ------------------------------------------------------------------

    def subscribe(
        self,
        *,
        name: str,
        channel: str,
        url: str,
        kinds: Sequence[str] | None = None,
        topic_prefix: str | None = None,
    ) -> tuple[SubscriptionInfo, str | None]:
        """A new subscription, for events from now on; a webhook's secret is returned once."""
        clean = check_url(channel, url)
        kinds_ = _kinds(kinds)
        key = validate.code("name", name)
        prefix = None
        if channel == "mqtt":
            prefix = validate.text("topic_prefix", topic_prefix or "scantrack").strip("/")
            if not prefix or any(c in prefix for c in "+#"):
                raise InvalidInput(field="topic_prefix", reason="must be a topic without + or #")
        secret = secrets.token_hex(32) if channel == "webhook" else None

        def fn(s: Session, now: dt.datetime) -> SubscriptionInfo:
            if s.execute(select(Subscription.id).where(Subscription.name == key)).first():
                raise InvalidInput(field="name", reason=f"a subscription {key} exists")
            start = s.execute(select(Counter.value).where(Counter.key == SEQ_KEY)).scalar()
            row = Subscription(
                name=key,
                channel=channel,
                url=clean,
                secret=secret,
                topic_prefix=prefix,
                kinds=kinds_,
                cursor=int(start or 0),
                created_at=now,
            )
            s.add(row)
            s.flush()
            return _info(row)

        return self._run(fn), secret

    def subscriptions(self) -> list[SubscriptionInfo]:
        return self.db.run(
            lambda s: [
                _info(r)
                for r in s.execute(select(Subscription).order_by(Subscription.id)).scalars()
            ],
            readonly=True,
        )

    def subscription(self, sub_id: int) -> SubscriptionInfo:
        return self.db.run(lambda s: _info(_sub(s, sub_id)), readonly=True)

    def update(
        self,
        sub_id: int,
        *,
        url: str | None = None,
        kinds: Sequence[str] | None = None,
        topic_prefix: str | None = None,
    ) -> SubscriptionInfo:
        def fn(s: Session, now: dt.datetime) -> SubscriptionInfo:
            row = _sub(s, sub_id, lock=True)
            if url is not None:
                row.url = check_url(row.channel, url)
            if kinds is not None:
                row.kinds = _kinds(kinds)
            if topic_prefix is not None and row.channel == "mqtt":
                row.topic_prefix = topic_prefix.strip("/")
            s.flush()
            return _info(row)

        return self._run(fn)

    def unsubscribe(self, sub_id: int) -> None:
        def fn(s: Session, now: dt.datetime) -> None:
            _sub(s, sub_id, lock=True)
            s.execute(delete(EventDelivery).where(EventDelivery.subscription_id == sub_id))
            s.execute(delete(Subscription).where(Subscription.id == sub_id))

        self._run(fn)

    # --- the workers' side --------------------------------------------------------------

    def fan_out(self, *, limit: int = 5000) -> int:
        """Copy events past each subscription's cursor into its deliveries; how many."""

        def fn(s: Session, now: dt.datetime) -> int:
            subs = list(
                s.execute(
                    select(Subscription).order_by(Subscription.id).with_for_update(skip_locked=True)
                ).scalars()
            )
            added = 0
            for sub in subs:
                rows = s.execute(
                    select(OutboxEvent.seq, OutboxEvent.kind, OutboxEvent.document)
                    .where(OutboxEvent.seq > sub.cursor)
                    .order_by(OutboxEvent.seq)
                    .limit(limit)
                ).all()
                if not rows:
                    continue
                kinds = set(sub.kinds) if sub.kinds is not None else None
                new = [
                    {
                        "subscription_id": sub.id,
                        "seq": seq,
                        "document": doc,
                        "status": "pending",
                        "attempts": 0,
                    }
                    for seq, kind, doc in rows
                    if kinds is None or kind in kinds
                ]
                if new:
                    s.execute(insert(EventDelivery), new)
                sub.cursor = rows[-1][0]
                added += len(new)
            s.flush()
            return added

        return self._run(fn)

    def claim(self, *, worker: str, channel: str, limit: int = 100) -> list[Claimed]:
        """Up to ``limit`` due deliveries, oldest first, several per document: each
        document's share is a prefix of its undelivered events, so it can be sent in order.

        One statement finds the candidates (pending, due, not held back by an earlier event
        that is sending, dead or backing off), one checks that each document's candidates
        start at its first undelivered event with no gap (a gap is an event another worker
        holds locked right now), one marks the claimed set.
        """

        def fn(s: Session, now: dt.datetime) -> list[Claimed]:
            rows = _candidates(s, now, channel, limit)
            if not rows:
                return []
            taken = _prefixes(s, rows)
            rows = [r for r in rows if (r.subscription_id, r.seq) in taken]
            if not rows:
                return []
            for sub_id, seqs in _by_subscription((r.subscription_id, r.seq) for r in rows):
                s.execute(
                    update(EventDelivery)
                    .where(EventDelivery.subscription_id == sub_id, EventDelivery.seq.in_(seqs))
                    .values(
                        status="sending",
                        claimed_by=worker,
                        claimed_at=now,
                        attempts=EventDelivery.attempts + 1,
                    )
                    .execution_options(synchronize_session=False)
                )
            subs = {
                x.id: x
                for x in s.execute(
                    select(Subscription).where(
                        Subscription.id.in_({r.subscription_id for r in rows})
                    )
                ).scalars()
            }
            o = OutboxEvent
            cols = (o.seq, o.kind, o.occurred_at, o.document, o.item, o.data)
            # plain rows, not ORM objects: nothing here is changed, and it is the bulk
            evs = {
                e[0]: Event(e[0], e[1], e[2], e[3], e[4], dict(e[5]))
                for e in s.execute(select(*cols).where(o.seq.in_({r.seq for r in rows})))
            }
            infos = {i: _info(x) for i, x in subs.items()}
            return [
                Claimed(
                    infos[r.subscription_id],
                    subs[r.subscription_id].secret,
                    evs[r.seq],
                    r.attempts + 1,
                )
                for r in rows
            ]

        return self._run(fn)

    def _owned(self, s: Session, sub_id: int, seq: int, worker: str) -> EventDelivery | None:
        row = s.get(EventDelivery, (sub_id, seq), with_for_update=True)
        if row is None or row.status != "sending" or row.claimed_by != worker:
            return None  # recovered and handed to another worker meanwhile: theirs now
        return row

    def delivered_many(self, done: list[tuple[int, int]], *, worker: str) -> int:
        """Mark a batch delivered in one transaction; how many were still this worker's."""
        return self.settle(worker=worker, delivered=done).delivered if done else 0

    def failed(self, sub_id: int, seq: int, *, worker: str, error: str) -> DeliveryInfo | None:
        """A failed attempt: retried after a backoff, or dead after ``max_attempts``."""
        (info,) = self.settle(worker=worker, failed=[(sub_id, seq, error)]).failed
        return info

    def settle(
        self,
        *,
        worker: str,
        delivered: Sequence[tuple[int, int]] = (),
        failed: Sequence[tuple[int, int, str]] = (),
        released: Sequence[tuple[int, int]] = (),
    ) -> Settled:
        """A batch's outcome in one transaction: ``delivered`` (the receiver took them),
        ``failed`` (an attempt that failed: backoff, or dead after ``max_attempts``) and
        ``released`` (claimed but not tried, as the document stopped at an earlier failure:
        pending again with the attempt not counted). Only this worker's claims change."""

        def fn(s: Session, now: dt.datetime) -> Settled:
            done = self._mark(s, worker, delivered, status="delivered", delivered_at=now)
            back = self._mark(
                s, worker, released, status="pending", attempts=EventDelivery.attempts - 1
            )
            return Settled(done, [self._fail(s, now, worker, *f) for f in failed], back)

        return self._run(fn)

    def _mark(self, s: Session, worker: str, keys: Sequence[tuple[int, int]], **values: Any) -> int:
        n = 0
        for sub_id, seqs in _by_subscription(keys):
            res = s.execute(
                update(EventDelivery)
                .where(
                    EventDelivery.subscription_id == sub_id,
                    EventDelivery.seq.in_(seqs),
                    EventDelivery.status == "sending",
                    EventDelivery.claimed_by == worker,
                )
                .values(claimed_by=None, claimed_at=None, last_error=None, **values)
                .execution_options(synchronize_session=False)
            )
            n += int(getattr(res, "rowcount", 0) or 0)
        return n

    def _fail(
        self, s: Session, now: dt.datetime, worker: str, sub_id: int, seq: int, error: str
    ) -> DeliveryInfo | None:
        row = self._owned(s, sub_id, seq, worker)
        if row is None:
            return None
        row.last_error = error[:500]
        row.claimed_by = row.claimed_at = None
        if row.attempts >= self.max_attempts:
            row.status = "dead"
        else:
            wait = backoff(row.attempts, base=self.base_delay, cap=self.max_delay, rand=self.rand())
            row.status, row.not_before = "pending", now + dt.timedelta(seconds=wait)
        s.flush()
        return _delivery(row)

    def has_work(self, *, channel: str, stale_after: float) -> bool:
        """Whether a cycle of ``channel`` would do anything: events not fanned out yet, a
        pending delivery that is due, or a stale claim. One read, so an idle worker takes
        no write lock (on SQLite the scans' lock) every cycle."""

        def fn(s: Session) -> bool:
            now = self.clock()
            newest = select(func.max(OutboxEvent.seq)).scalar_subquery()
            behind = select(Subscription.id).where(Subscription.cursor < newest).exists()
            due = (
                select(EventDelivery.seq)
                .join(Subscription, Subscription.id == EventDelivery.subscription_id)
                .where(
                    Subscription.channel == channel,
                    EventDelivery.status == "pending",
                    or_(EventDelivery.not_before.is_(None), EventDelivery.not_before <= now),
                )
                .exists()
            )
            stale = (
                select(EventDelivery.seq)
                .where(
                    EventDelivery.status == "sending",
                    EventDelivery.claimed_at < now - dt.timedelta(seconds=stale_after),
                )
                .exists()
            )
            return bool(s.execute(select(or_(behind, due, stale))).scalar())

        return self.db.run(fn, readonly=True)

    def recover(self, *, stale_after: float) -> int:
        """Claims older than ``stale_after`` seconds belong to dead workers: pending again."""

        def fn(s: Session, now: dt.datetime) -> int:
            cutoff = now - dt.timedelta(seconds=stale_after)
            res = s.execute(
                update(EventDelivery)
                .where(EventDelivery.status == "sending", EventDelivery.claimed_at < cutoff)
                .values(status="pending", claimed_by=None, claimed_at=None)
                .execution_options(synchronize_session=False)
            )
            return int(getattr(res, "rowcount", 0) or 0)

        return self._run(fn)

    # --- dead letters -------------------------------------------------------------------

    def deliveries(self, sub_id: int, *, status: str | None = None) -> list[DeliveryInfo]:
        def fn(s: Session) -> list[DeliveryInfo]:
            _sub(s, sub_id)
            q = select(EventDelivery).where(EventDelivery.subscription_id == sub_id)
            if status is not None:
                q = q.where(EventDelivery.status == status)
            return [_delivery(d) for d in s.execute(q.order_by(EventDelivery.seq)).scalars()]

        return self.db.run(fn, readonly=True)

    def dead_letters(self, sub_id: int) -> list[DeliveryInfo]:
        return self.deliveries(sub_id, status="dead")

    def replay(self, sub_id: int, seq: int) -> tuple[DeliveryInfo, bool]:
        """A dead letter back to pending, attempts from zero; ``False`` when it was not dead
        (replayed already, or delivered): nothing changes, so a second replay sends nothing."""

        def fn(s: Session, now: dt.datetime) -> tuple[DeliveryInfo, bool]:
            _sub(s, sub_id)
            row = s.get(EventDelivery, (sub_id, seq), with_for_update=True)
            if row is None:
                raise NotFound(entity="delivery", key=f"{sub_id}/{seq}")
            if row.status != "dead":
                return _delivery(row), False
            row.status, row.attempts, row.not_before = "pending", 0, None
            s.flush()
            return _delivery(row), True

        return self._run(fn)
