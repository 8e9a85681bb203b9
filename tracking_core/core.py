"""``Tracking``: the core's use cases, each one transaction, with idempotent scan steps.

Example (a database on disk, so not run as a doctest)::

    core = Tracking(Database.from_url("sqlite:///var/scantrack.db"))
    doc = core.receive(item="LAPTOP-14", location="DOCK-1", quantity=5)
    core.serial(doc.lines[0].serials[0])  # doc from core.document(number, detail=True)

Scan-sized steps are commands (``tracking_core.commands``), idempotent by a ScanKey::

    core.execute(GenerateSerials(number, line=1, count=5), scan=ScanKey("HH-1", "scan-17"))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from tracking_core import (
    auth,
    catalog,
    containers,
    costing,
    devices,
    documents,
    epcis,
    idempotency,
    inquiry,
    ledger_feed,
    ledger_seq,
    lots,
    numbering,
    operators,
    outbox,
    packing,
    posting,
    ship_notice_csv,
    ship_notice_report,
    signin,
    validate,
    valuation,
)
from tracking_core.codec import encode
from tracking_core.command_handlers import handle
from tracking_core.commands import (
    AddLine,
    AllocateContainer,
    AllocateLot,
    AllocateSerials,
    AnnounceContainers,
    CancelDocument,
    CheckContainer,
    GenerateLot,
    GenerateSerials,
    PackContainer,
    PostDocument,
    ReceiveContainer,
    ReverseDocument,
    ReversePack,
    SetLineQuantity,
    Step,
    UnassignContainer,
    UnassignLot,
    UnassignSerial,
    UnpackContainer,
)
from tracking_core.context import Ctx
from tracking_core.db import Database
from tracking_core.delivery import EventDeliveries
from tracking_core.devices import DeviceInfo
from tracking_core.errors import DomainError, InvalidInput, MaskExhausted, UnknownLocation
from tracking_core.masks import Mask, preview
from tracking_core.operators import OperatorInfo
from tracking_core.outbox import LabelOutbox
from tracking_core.scan import store as scan_store
from tracking_core.scan import unit as scan_unit
from tracking_core.scan.answer import ScanReply
from tracking_core.scan.state import SessionState
from tracking_core.scan.steps import ScanInput
from tracking_core.settings import (
    SettingChangeInfo,
    Settings,
    setting_changes,
    update_settings,
)
from tracking_core.ship_notice_values import (
    AnnouncedContainer,
    Announcement,
    CheckResult,
    ContainerNotice,
    ContainerReceipt,
)
from tracking_core.signin import OperatorSignInInfo, SignInRecord
from tracking_core.sscc import make_sscc, sscc_capacity
from tracking_core.values import (
    Assignment,
    ContainerAssignment,
    ContainerInfo,
    DocumentInfo,
    ItemInfo,
    LedgerCheck,
    LedgerPage,
    LineInfo,
    LineSpec,
    LocationInfo,
    LotInfo,
    Movement,
    PackRecord,
    PartnerInfo,
    PostResult,
    SerialInfo,
    ShipNotice,
    StockRow,
    Trace,
    Valuation,
)
from tracking_core.vocabulary import DocType, LedgerKind, Role, TrackingKind

T = TypeVar("T")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ScanKey:
    """Who sent a scan and its unique id: the idempotency key of the step it makes."""

    device: str
    scan_id: str


@dataclass(frozen=True)
class Actor:
    """Who a write is recorded for: the signed-in operator's badge, the device, the token.

    ``token`` is the API token's name (the CLI gives its own, ``cli`` or ``--actor``);
    ``role`` is that token's role, which the scan path checks against the permissions.
    """

    operator: str | None = None
    device: str | None = None
    token: str | None = None
    role: Role | None = None


class Tracking:
    """The tracking core's public face; the gateway, web layer and CLI call only this."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        actor: Actor | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.outbox = LabelOutbox(db, clock)
        self.deliveries = EventDeliveries(db, clock)
        self.actor = actor or Actor()  # recorded when a call names no actor (the CLI's)
        self._settings_seen = scan_store.SettingsCache()  # the scans' settings, by version

    # --- plumbing --------------------------------------------------------------------

    def _run(
        self, fn: Callable[[Ctx], T], *, actor: Actor | None = None, readonly: bool = False
    ) -> T:
        who = actor or self.actor
        now = self.clock()

        def call(s: Session) -> T:
            ctx = Ctx(s, now, device=who.device, token=who.token or self.actor.token, role=who.role)
            if who.operator is not None:  # a badge: only a known, active operator signs
                row = operators.signed_in(s, who.operator)
                ctx.operator, ctx.operator_id = row.badge, row.id
            return fn(ctx)

        return self.db.run(call, readonly=readonly)

    def _read(self, fn: Callable[[Session], T]) -> T:
        return self.db.run(fn, readonly=True)

    def scan(self, scan: ScanInput, *, caller: Actor | None = None) -> ScanReply:
        """One scan in one transaction (``tracking_core.scan.unit``): never raises a
        domain error; a refused scan changes nothing and says why.

        ``caller`` names the token and its role; the operator comes from the device's
        session. A replay of ``(device, scan_id)`` answers the stored feedback.
        """
        who = caller or Actor()
        checked: ScanInput | None = None
        try:
            device, scan_id = idempotency.check_key(scan.device, scan.scan_id)
            scan = checked = replace(scan, device=device, scan_id=scan_id)
            digest = idempotency.request_hash("scan", {"raw": scan.raw})
            actor = Actor(device=device, token=who.token, role=who.role)
            seen = self._settings_seen
            return self._run(lambda c: scan_unit.run(c, scan, digest, seen), actor=actor)
        except DomainError as err:
            refused = err
        return self._run(lambda c: scan_unit.refused(c, checked, scan.device, refused))

    def scan_screen(self, device: str) -> dict[str, Any]:
        """What a device's screen shows: mode, document, location, operator, prompt, progress."""
        return self._run(lambda c: scan_unit.screen(c, device), readonly=True)

    def device_state(self, device: str) -> dict[str, Any]:
        return self._run(lambda c: scan_store.read_state(c, device).to_json(), readonly=True)

    def set_device_state(self, device: str, state: dict[str, Any]) -> None:
        def write(c: Ctx) -> None:
            row, _ = scan_store.locked_state(c, device)
            scan_store.store_state(c, row, device, SessionState.from_json(state))

        self._run(write)

    # --- master data -----------------------------------------------------------------

    def create_item(self, **fields: Any) -> ItemInfo:
        return self._run(lambda c: catalog.create_item(c, **fields))

    def update_item(self, sku: str, **changes: Any) -> ItemInfo:
        return self._run(lambda c: catalog.update_item(c, sku, dict(changes)))

    def item(self, key: str) -> ItemInfo:
        return self._read(lambda s: catalog.item_info(s, catalog.item_row(s, key)))

    def items(self) -> list[ItemInfo]:
        return self._read(catalog.list_items)

    def create_location(self, **fields: Any) -> LocationInfo:
        return self._run(lambda c: catalog.create_location(c, **fields))

    def update_location(self, code: str, **changes: Any) -> LocationInfo:
        return self._run(lambda c: catalog.update_location(c, code, dict(changes)))

    def locations(self) -> list[LocationInfo]:
        return self._read(catalog.list_locations)

    def create_partner(self, **fields: Any) -> PartnerInfo:
        return self._run(lambda c: catalog.create_partner(c, **fields))

    def partners(self) -> list[PartnerInfo]:
        return self._read(catalog.list_partners)

    # --- operators -------------------------------------------------------------------

    def create_operator(
        self, *, badge: str, name: str, role: Role = "operator", pin: str | None = None
    ) -> OperatorInfo:
        pin_hash = None if pin is None else signin.hash_pin(signin.check_pin(pin))
        return self._run(
            lambda c: operators.create_operator(
                c, badge=badge, name=name, role=role, pin_hash=pin_hash
            )
        )

    def set_operator_pin(self, badge: str, pin: str | None) -> OperatorInfo:
        """Set a PIN (None clears it); a new PIN also lifts a lock-out."""

        def write(c: Ctx) -> OperatorInfo:
            signin.set_pin(c, badge, pin)
            return operators._info(operators.operator_row(c.session, badge))

        return self._run(write)

    def set_operator_role(self, badge: str, role: Role) -> OperatorInfo:
        return self._run(lambda c: operators.set_role(c, badge, role))

    def sign_in_operator(self, device: str, badge: str, pin: str) -> OperatorSignInInfo:
        """Badge and PIN on a handheld: the operator signs every record the device makes.

        The sign-in lapses after ``operator_idle_minutes`` without a scan. A wrong PIN
        raises ``WrongPin`` (and a growing delay, ``SignInLocked``); either way the
        attempt is recorded first.
        """
        device = validate.code("device", device)

        def step(c: Ctx) -> OperatorSignInInfo | DomainError:
            row = signin.attempt(c, badge, pin, device=device)
            if isinstance(row, DomainError):
                return row
            idle = c.settings.operator_idle_minutes * 60
            until = c.now + dt.timedelta(seconds=idle) if idle else None
            session, state = scan_store.locked_state(c, device)
            state = state.with_(
                operator=row.badge,
                operator_until=None if until is None else until.isoformat(),
                operator_idle=idle or None,
            )
            scan_store.store_state(c, session, device, state)
            return OperatorSignInInfo(row.badge, row.name, row.role, until)

        out = self._run(step)
        if isinstance(out, DomainError):
            raise out  # after the commit: the attempt and the failure count are kept
        return out

    def sign_out_operator(self, device: str) -> None:
        def step(c: Ctx) -> None:
            session, state = scan_store.locked_state(c, device)
            if state.operator:
                state = state.with_(operator=None, operator_until=None, operator_idle=None)
                scan_store.store_state(c, session, device, state)

        self._run(step)

    def authenticate_operator(self, badge: str, pin: str) -> OperatorInfo:
        """Badge and PIN for the supervisor pages: the same checks, delay and audit."""

        def step(c: Ctx) -> OperatorInfo | DomainError:
            row = signin.attempt(c, badge, pin, device=None)
            return row if isinstance(row, DomainError) else operators._info(row)

        out = self._run(step)
        if isinstance(out, DomainError):
            raise out
        return out

    def operator_signins(
        self, *, badge: str | None = None, limit: int = 100
    ) -> list[SignInRecord]:
        return self._read(lambda s: signin.list_signins(s, badge=badge, limit=limit))

    def operators(self) -> list[OperatorInfo]:
        return self._read(operators.list_operators)

    def deactivate_operator(self, badge: str) -> OperatorInfo:
        return self._run(lambda c: operators.set_active(c, badge, active=False))

    def activate_operator(self, badge: str) -> OperatorInfo:
        return self._run(lambda c: operators.set_active(c, badge, active=True))

    # --- settings --------------------------------------------------------------------

    def settings(self) -> Settings:
        return self._read(Settings.load)

    def update_settings(
        self, changes: Mapping[str, Any], *, actor: str, role: str | None
    ) -> Settings:
        return self._run(
            lambda c: update_settings(c.session, changes, actor=actor, role=role, now=c.now)
        )

    def setting_changes(self, *, limit: int = 100) -> list[SettingChangeInfo]:
        return self._read(lambda s: setting_changes(s, limit=limit))

    # --- documents -------------------------------------------------------------------

    def create_document(
        self,
        doc_type: DocType,
        *,
        number: str | None = None,
        partner: str | None = None,
        reference: str | None = None,
        lines: Sequence[LineSpec] = (),
    ) -> DocumentInfo:
        return self._run(
            lambda c: documents.create_document(
                c, doc_type, number=number, partner=partner, reference=reference, lines=lines
            )
        )

    def document(self, number: str, *, detail: bool = False) -> DocumentInfo:
        return self._read(
            lambda s: documents.document_info(s, documents.document_row(s, number), detail=detail)
        )

    def documents(self, **filters: Any) -> list[DocumentInfo]:
        return self._read(lambda s: documents.list_documents(s, **filters))

    def ship_notice(self, number: str) -> ShipNotice:
        """A document's expected serials (its ASN): received, missing, unexpected per line."""
        return self._read(lambda s: documents.ship_notice(s, documents.document_row(s, number)))

    # --- scan-sized steps (idempotent by ScanKey) ------------------------------------

    def execute(
        self, command: Step[T], *, scan: ScanKey | None = None, actor: Actor | None = None
    ) -> T:
        """One command in one transaction; with a ScanKey a replay returns the stored result.

        The same key with another command (another action or payload) is refused with
        ``IdempotencyConflict``; the stored result is kept.
        """
        if scan is None:
            return self._run(lambda c: handle(c, command), actor=actor)
        device, scan_id = idempotency.check_key(scan.device, scan.scan_id)
        digest = idempotency.request_hash(command.action, command.payload())
        actor = replace(actor, device=actor.device or device) if actor else Actor(device=device)

        def step(ctx: Ctx) -> T:
            stored = idempotency.lookup(ctx.session, device, scan_id, digest)
            if stored is not None:
                return command.decode_result(stored)
            result = handle(ctx, command)
            idempotency.record(ctx.session, device, scan_id, digest, encode(result), ctx.now)
            return result

        return self._run(step, actor=actor)

    # The keyword forms of the commands, for callers that predate them.

    def generate_serials(
        self,
        number: str,
        *,
        line: int | None = None,
        item: str | None = None,
        serials: Sequence[str] | None = None,
        count: int | None = None,
        lot: str | None = None,
        expiry: dt.date | None = None,
        production_date: dt.date | None = None,
        scan: ScanKey | None = None,
        actor: Actor | None = None,
    ) -> Assignment:
        cmd = GenerateSerials(
            number,
            line=line,
            item=item,
            serials=serials,
            count=count,
            lot=lot,
            expiry=expiry,
            production_date=production_date,
        )
        return self.execute(cmd, scan=scan, actor=actor)

    def allocate_serials(
        self,
        number: str,
        *,
        line: int | None = None,
        item: str | None = None,
        serials: Sequence[str] | None = None,
        count: int | None = None,
        lot: str | None = None,
        scan: ScanKey | None = None,
        actor: Actor | None = None,
    ) -> Assignment:
        cmd = AllocateSerials(number, line=line, item=item, serials=serials, count=count, lot=lot)
        return self.execute(cmd, scan=scan, actor=actor)

    def generate_lot(
        self,
        number: str,
        *,
        quantity: int,
        line: int | None = None,
        item: str | None = None,
        lot: str | None = None,
        expiry: dt.date | None = None,
        production_date: dt.date | None = None,
        scan: ScanKey | None = None,
        actor: Actor | None = None,
    ) -> Assignment:
        cmd = GenerateLot(
            number,
            quantity=quantity,
            line=line,
            item=item,
            lot=lot,
            expiry=expiry,
            production_date=production_date,
        )
        return self.execute(cmd, scan=scan, actor=actor)

    def allocate_lot(
        self,
        number: str,
        *,
        quantity: int,
        line: int | None = None,
        item: str | None = None,
        lot: str | None = None,
        scan: ScanKey | None = None,
        actor: Actor | None = None,
    ) -> Assignment:
        cmd = AllocateLot(number, quantity=quantity, line=line, item=item, lot=lot)
        return self.execute(cmd, scan=scan, actor=actor)

    def unassign_serial(
        self,
        number: str,
        *,
        serial: str,
        item: str | None = None,
        scan: ScanKey | None = None,
        actor: Actor | None = None,
    ) -> Assignment:
        return self.execute(
            UnassignSerial(number, serial=serial, item=item), scan=scan, actor=actor
        )

    def unassign_lot(
        self,
        number: str,
        *,
        lot: str,
        item: str | None = None,
        quantity: int | None = None,
        scan: ScanKey | None = None,
        actor: Actor | None = None,
    ) -> Assignment:
        cmd = UnassignLot(number, lot=lot, item=item, quantity=quantity)
        return self.execute(cmd, scan=scan, actor=actor)

    def add_line(self, number: str, spec: LineSpec) -> LineInfo:
        return self.execute(AddLine(number, spec))

    def set_line_quantity(self, number: str, line: int, quantity: int) -> LineInfo:
        return self.execute(SetLineQuantity(number, line=line, quantity=quantity))

    def post(
        self, number: str, *, scan: ScanKey | None = None, actor: Actor | None = None
    ) -> PostResult:
        return self.execute(PostDocument(number), scan=scan, actor=actor)

    def cancel(self, number: str, *, actor: Actor | None = None) -> DocumentInfo:
        return self.execute(CancelDocument(number), actor=actor)

    def reverse(
        self, number: str, *, reversal_number: str | None = None, actor: Actor | None = None
    ) -> PostResult:
        return self.execute(ReverseDocument(number, reversal_number=reversal_number), actor=actor)

    # --- one-call flows (create, assign, post) ---------------------------------------

    def receive(
        self,
        *,
        item: str,
        location: str,
        quantity: int,
        partner: str | None = None,
        serials: Sequence[str] | None = None,
        lot: str | None = None,
        expiry: dt.date | None = None,
        production_date: dt.date | None = None,
        unit_cost: Any = None,
        post: bool = True,
        doc_type: DocType = "receipt",
        progress: Callable[[int, int], None] | None = None,
        actor: Actor | None = None,
    ) -> DocumentInfo:
        """A whole receipt in one transaction: serials given or from the mask, or a lot."""
        spec = LineSpec(
            item=item,
            quantity=quantity,
            location=location,
            unit_cost=unit_cost,
            direction="in" if doc_type == "adjustment" else None,
        )

        def assign(c: Ctx, number: str, tracking: TrackingKind) -> None:
            if tracking == "serial":
                _serial_batches(
                    quantity,
                    serials,
                    progress,
                    lambda batch, n: handle(
                        c,
                        GenerateSerials(
                            number,
                            line=1,
                            serials=batch,
                            count=n,
                            lot=lot,
                            expiry=expiry,
                            production_date=production_date,
                        ),
                    ),
                )
            elif tracking == "lot":
                handle(
                    c,
                    GenerateLot(
                        number,
                        line=1,
                        quantity=quantity,
                        lot=lot,
                        expiry=expiry,
                        production_date=production_date,
                    ),
                )

        return self._whole_document(doc_type, spec, partner, assign, post=post, actor=actor)

    def ship(
        self,
        *,
        item: str,
        location: str,
        quantity: int,
        partner: str | None = None,
        serials: Sequence[str] | None = None,
        lot: str | None = None,
        post: bool = True,
        doc_type: DocType = "shipment",
        to_location: str | None = None,
        unit_price: Any = None,
        progress: Callable[[int, int], None] | None = None,
        actor: Actor | None = None,
    ) -> DocumentInfo:
        """A whole outbound document in one transaction: given serials/lot, or suggestions."""
        spec = LineSpec(
            item=item,
            quantity=quantity,
            location=location,
            to_location=to_location,
            direction="out" if doc_type == "adjustment" else None,
            unit_price=unit_price,
        )

        def assign(c: Ctx, number: str, tracking: TrackingKind) -> None:
            if tracking == "serial":
                _serial_batches(
                    quantity,
                    serials,
                    progress,
                    lambda batch, n: handle(
                        c, AllocateSerials(number, line=1, serials=batch, count=n, lot=lot)
                    ),
                )
            elif tracking == "lot":
                handle(c, AllocateLot(number, line=1, quantity=quantity, lot=lot))

        return self._whole_document(doc_type, spec, partner, assign, post=post, actor=actor)

    def _whole_document(
        self,
        doc_type: DocType,
        spec: LineSpec,
        partner: str | None,
        assign: Callable[[Ctx, str, TrackingKind], None],
        *,
        post: bool,
        actor: Actor | None,
    ) -> DocumentInfo:
        """Create a one-line document, assign its numbers, post it: one transaction."""

        def flow(c: Ctx) -> DocumentInfo:
            doc = documents.create_document(c, doc_type, partner=partner, lines=[spec])
            assign(c, doc.number, catalog.item_row(c.session, spec.item).tracking)
            if post:
                handle(c, PostDocument(doc.number))
            return documents.document_info(c.session, documents.document_row(c.session, doc.number))

        return self._run(flow, actor=actor)

    # --- stock control ---------------------------------------------------------------

    def quarantine(
        self,
        *,
        item: str,
        serial: str | None = None,
        lot: str | None = None,
        until: dt.date | None = None,
    ) -> None:
        self._run(
            lambda c: lots.set_quarantine(
                c, item=item, serial=serial, lot=lot, on=True, until=until
            )
        )

    def release_quarantine(
        self, *, item: str, serial: str | None = None, lot: str | None = None
    ) -> None:
        self._run(lambda c: lots.set_quarantine(c, item=item, serial=serial, lot=lot, on=False))

    def recall_lot(self, *, item: str, lot: str, recall_number: str, reason: str = "") -> None:
        self._run(
            lambda c: lots.recall_lot(
                c, item=item, lot=lot, recall_number=recall_number, reason=reason
            )
        )

    def release_lot(self, *, item: str, lot: str) -> None:
        self._run(lambda c: lots.release_lot(c, item=item, lot=lot))

    def scrap_serial(
        self, *, item: str, serial: str, reason: str = "", actor: Actor | None = None
    ) -> PostResult:
        return self._run(
            lambda c: posting.scrap_serial(c, item=item, serial=serial, reason=reason), actor=actor
        )

    def adjust_cost(
        self,
        *,
        item: str,
        unit_cost: Any,
        serial: str | None = None,
        lot: str | None = None,
        reason: str = "",
        actor: Actor | None = None,
    ) -> PostResult:
        return self._run(
            lambda c: posting.adjust_cost(
                c, item=item, serial=serial, lot=lot, unit_cost=unit_cost, reason=reason
            ),
            actor=actor,
        )

    # --- inquiry ---------------------------------------------------------------------

    def stock(
        self, *, item: str | None = None, location: str | None = None, lot: str | None = None
    ) -> list[StockRow]:
        return self._read(lambda s: inquiry.stock(s, item=item, location=location, lot=lot))

    def serial(self, serial: str, *, item: str | None = None) -> SerialInfo:
        return self._read(lambda s: inquiry.serial_info(s, item=item, serial=serial))

    def lot(self, lot: str, *, item: str) -> LotInfo:
        today = self.clock().date()
        return self._read(lambda s: inquiry.lot_info(s, item=item, lot=lot, today=today))

    def trace(
        self, *, item: str, serial: str | None = None, lot: str | None = None, forward: bool = True
    ) -> Trace:
        return self._read(
            lambda s: inquiry.trace(s, item=item, serial=serial, lot=lot, forward=forward)
        )

    def ledger(self, *, since_id: int = 0, limit: int | None = None) -> list[Movement]:
        """The old way: ids above ``since_id``, serials then lots (``ledger_page`` is the new)."""
        return self._read(lambda s: inquiry.ledger_rows(s, since_id=since_id, limit=limit))

    def ledger_page(
        self, *, since: int = 0, limit: int = 1000, kind: LedgerKind | None = None
    ) -> LedgerPage:
        """The feed: records with seq above ``since``, at most ``limit``, and the cursor on."""
        return self._read(lambda s: ledger_feed.page(s, since=since, limit=limit, kind=kind))

    def ledger_stream(
        self,
        *,
        since: int = 0,
        limit: int | None = None,
        kind: LedgerKind | None = None,
        batch: int = 1000,
    ) -> ledger_feed.LedgerStream:
        """The feed from ``since`` to the end as it is now (or ``limit`` on), read ``batch``
        records per read transaction as it is iterated."""
        last = self._read(ledger_seq.last)
        until = max(since, last if limit is None else min(last, since + limit))

        def batches() -> Iterator[LedgerPage]:
            cursor = since
            while cursor < until:
                page = self._read(
                    lambda s, c=cursor: ledger_feed.page(  # type: ignore[misc]
                        s, since=c, limit=batch, kind=kind, until=until
                    )
                )
                yield page
                cursor = page.next_since

        return ledger_feed.LedgerStream(since=since, next_since=until, last=last, batches=batches)

    def epcis_events(self, *, since: int = 0, limit: int = 500) -> epcis.EpcisPage:
        """The outbox after ``since`` as an EPCIS 2.0 document, ``limit`` outbox events at
        most, and the cursor on (docs/epcis.md)."""
        now = self.clock()

        def read(s: Session) -> epcis.EpcisPage:
            base = Settings.load(s).epcis_private_base
            return epcis.page(s, since=since, limit=limit, private_base=base, now=now)

        return self._read(read)

    def valuation(
        self,
        *,
        at: dt.date | None = None,
        item: str | None = None,
        location: str | None = None,
    ) -> Valuation:
        """Stock and value at the end of ``at`` (default today, UTC) by the ledger; for today
        with the reconciliation against the stock tables."""
        today = self.clock().date()
        return self._read(
            lambda s: valuation.valuation(
                s, at=at or today, today=today, item=item, location=location
            )
        )

    def check_ledger(self) -> LedgerCheck:
        """Does the ledger's value equal the value on hand everywhere (see ``costing``)?"""
        return self._read(costing.check_ledger)

    # --- numbering -------------------------------------------------------------------

    def preview_mask(self, mask: str, *, count: int = 5) -> list[str]:
        """The next numbers a mask would give today, without using them."""

        m = Mask.parse(mask)
        today = self.clock().date()
        start = self._read(lambda s: numbering.peek(s, m.counter_key(today))) + 1
        return preview(m, count=validate.quantity(count), start=start, on=today)

    def generate_ssccs(
        self,
        count: int = 1,
        *,
        label: bool = True,
        contents: dict[str, Any] | None = None,
        actor: Actor | None = None,
    ) -> list[str]:
        """New SSCCs from the configured company prefix and extension digit, with labels."""
        return self.sscc_labels(count, label=label, contents=contents, actor=actor)[0]

    def sscc_labels(
        self,
        count: int = 1,
        *,
        label: bool = True,
        contents: dict[str, Any] | None = None,
        printer: str | None = None,
        actor: Actor | None = None,
    ) -> tuple[list[str], int | None]:
        """New SSCCs and the id of their label job, written in the same transaction."""
        contents = dict(contents or {})

        def gen(c: Ctx) -> tuple[list[str], int | None]:
            n = validate.quantity(count)
            st = c.settings
            first = numbering.bump(
                c.session, f"sscc:{st.sscc_extension}{st.sscc_company_prefix}", n
            )
            if first + n - 1 > sscc_capacity(st.sscc_company_prefix):
                raise MaskExhausted(
                    mask=f"SSCC {st.sscc_company_prefix}",
                    capacity=sscc_capacity(st.sscc_company_prefix),
                )
            codes = [
                make_sscc(
                    company_prefix=st.sscc_company_prefix,
                    extension=st.sscc_extension,
                    serial_reference=ref,
                )
                for ref in range(first, first + n)
            ]
            job = None
            if label:
                job = outbox.enqueue(
                    c,
                    kind="sscc",
                    payload={"ssccs": codes, **contents},
                    labels=n,
                    printer=printer,
                )
            return codes, job

        return self._run(gen, actor=actor)

    def location_labels(
        self,
        *,
        codes: Sequence[str] | None = None,
        first: str | None = None,
        last: str | None = None,
        prefix: str = "",
        printer: str | None = None,
        limit: int = 1000,
        actor: Actor | None = None,
    ) -> int:
        """A label job for locations: the codes given, or every code from ``first`` to ``last``."""

        def make(c: Ctx) -> int:
            known = {x.code: x for x in catalog.list_locations(c.session)}
            if codes is not None:
                wanted = list(dict.fromkeys(codes))
                missing = [x for x in wanted if x not in known]
            else:
                ends = [x for x in (first, last) if x is not None]
                missing = [x for x in ends if x not in known]
                if not missing and first is not None and last is not None:
                    if first > last:
                        raise InvalidInput(field="to", reason=f"{last!r} comes before {first!r}")
                    wanted = [x for x in known if first <= x <= last]
            if missing:
                raise UnknownLocation(key=", ".join(missing))
            if not wanted:
                raise InvalidInput(field="codes", reason="no locations given")
            if len(wanted) > limit:
                raise InvalidInput(
                    field="codes", reason=f"{len(wanted)} locations; at most {limit} per job"
                )
            rows = [{"code": x, "name": known[x].name} for x in wanted]
            payload = {"locations": rows, "prefix": prefix}
            return outbox.enqueue(
                c, kind="location", payload=payload, labels=len(rows), printer=printer
            )

        return self._run(make, actor=actor)

    # --- containers (docs/containers.md) ----------------------------------------------

    def create_container(
        self,
        *,
        location: str,
        code: str | None = None,
        label: bool = False,
        printer: str | None = None,
        actor: Actor | None = None,
    ) -> ContainerInfo:
        """A new empty case or pallet at ``location``: a scanned code, or a new SSCC (with
        its label when ``label``; print it again once packed, to list the contents)."""

        def make(c: Ctx) -> ContainerInfo:
            row = containers.create_container(c, location=location, code=code)
            info = containers.container_info(c.session, row)
            if label:
                containers.enqueue_label(c, info, printer=printer)
            return info

        return self._run(make, actor=actor)

    def container(self, code: str) -> ContainerInfo:
        """A container with its tree (children, contents) and totals."""
        return self._read(
            lambda s: containers.container_info(s, containers.container_row(s, code))
        )

    def containers(
        self, *, location: str | None = None, status: str | None = None, limit: int = 100
    ) -> list[ContainerInfo]:
        return self._read(
            lambda s: containers.list_containers(s, location=location, status=status, limit=limit)
        )

    def pack_records(self, code: str) -> list[PackRecord]:
        """Every packing step of a container, oldest first."""
        return self._read(lambda s: packing.records_of(s, containers.container_row(s, code)))

    def pack(
        self,
        code: str,
        *,
        serials: Sequence[tuple[str | None, str]] = (),
        lots: Sequence[tuple[str, str, int]] = (),
        containers: Sequence[str] = (),
        repack: bool = False,
        scan: ScanKey | None = None,
        actor: Actor | None = None,
    ) -> PackRecord:
        cmd = PackContainer(code, serials=serials, lots=lots, containers=containers, repack=repack)
        return self.execute(cmd, scan=scan, actor=actor)

    def unpack(
        self,
        code: str,
        *,
        serials: Sequence[tuple[str | None, str]] = (),
        lots: Sequence[tuple[str, str, int]] = (),
        containers: Sequence[str] = (),
        everything: bool = False,
        scan: ScanKey | None = None,
        actor: Actor | None = None,
    ) -> PackRecord:
        cmd = UnpackContainer(
            code, serials=serials, lots=lots, containers=containers, everything=everything
        )
        return self.execute(cmd, scan=scan, actor=actor)

    def reverse_pack(
        self, operation: int, *, scan: ScanKey | None = None, actor: Actor | None = None
    ) -> PackRecord:
        return self.execute(ReversePack(operation), scan=scan, actor=actor)

    def allocate_container(
        self,
        number: str,
        *,
        container: str,
        scan: ScanKey | None = None,
        actor: Actor | None = None,
    ) -> ContainerAssignment:
        return self.execute(AllocateContainer(number, container=container), scan=scan, actor=actor)

    def unassign_container(
        self,
        number: str,
        *,
        container: str,
        scan: ScanKey | None = None,
        actor: Actor | None = None,
    ) -> ContainerAssignment:
        return self.execute(UnassignContainer(number, container=container), scan=scan, actor=actor)

    def container_label(
        self,
        code: str,
        *,
        printer: str | None = None,
        copies: int = 1,
        actor: Actor | None = None,
    ) -> int:
        """A label job for an SSCC listing what the container holds now; its job id."""

        def make(c: Ctx) -> int:
            info = containers.container_info(
                c.session, containers.container_row(c.session, code)
            )
            return containers.enqueue_label(c, info, printer=printer, copies=copies)

        return self._run(make, actor=actor)

    # --- receiving by SSCC (docs/receiving-by-sscc.md) ----------------------------------

    def announce_containers(
        self,
        number: str,
        containers: Sequence[AnnouncedContainer],
        *,
        scan: ScanKey | None = None,
        actor: Actor | None = None,
    ) -> Announcement:
        """A ship notice's SSCC hierarchy on an open receipt: all of it, or nothing."""
        cmd = AnnounceContainers(number, containers=containers)
        return self.execute(cmd, scan=scan, actor=actor)

    def announce_containers_csv(
        self, number: str, lines: Iterable[str], *, actor: Actor | None = None
    ) -> Announcement:
        """The same from a CSV file's lines (tracking_core/ship_notice_csv.py)."""
        boxes = ship_notice_csv.read_notice(lines)
        return self.announce_containers(number, boxes, actor=actor)

    def receive_container(
        self,
        number: str,
        *,
        container: str,
        scan: ScanKey | None = None,
        actor: Actor | None = None,
    ) -> ContainerReceipt:
        cmd = ReceiveContainer(number, container=container)
        return self.execute(cmd, scan=scan, actor=actor)

    def check_container(
        self,
        number: str,
        *,
        container: str,
        serials: Sequence[tuple[str | None, str]] = (),
        lots: Sequence[tuple[str | None, str, int]] = (),
        quantities: Sequence[tuple[str, int]] = (),
        scan: ScanKey | None = None,
        actor: Actor | None = None,
    ) -> CheckResult:
        cmd = CheckContainer(
            number, container=container, serials=serials, lots=lots, quantities=quantities
        )
        return self.execute(cmd, scan=scan, actor=actor)

    def container_notice(self, number: str) -> ContainerNotice:
        """A receipt's ship notice: its containers' trees, checks and discrepancies, and the
        per-serial notice of its lines."""
        return self._read(
            lambda s: ship_notice_report.container_notice(s, documents.document_row(s, number))
        )

    # --- tokens ----------------------------------------------------------------------

    def create_token(
        self, *, name: str, role: Role, token: str | None = None
    ) -> tuple[str, auth.TokenInfo]:
        return self._run(
            lambda c: auth.create_token(c.session, name=name, role=role, now=c.now, token=token)
        )

    def authenticate(self, token: str) -> auth.TokenInfo | None:
        return self._read(lambda s: auth.authenticate(s, token))

    # --- devices ---------------------------------------------------------------------

    def create_device(
        self, name: str, *, profile: dict[str, Any] | None = None, station: str | None = None
    ) -> tuple[str, DeviceInfo]:
        """A new device and its one-time enrolment code."""
        return self._run(
            lambda c: devices.create_device(c, name=name, profile=profile, station=station)
        )

    def new_enrolment(self, name: str) -> tuple[str, DeviceInfo]:
        return self._run(lambda c: devices.new_enrolment(c, name))

    def enrol_device(self, code: str) -> tuple[str, DeviceInfo]:
        """Trade an enrolment code for the device's token (shown once)."""
        return self._run(lambda c: devices.enrol(c, code))

    def authenticate_device(self, token: str) -> DeviceInfo | None:
        return self._read(lambda s: devices.authenticate(s, token))

    def revoked_device_of(self, token: str) -> DeviceInfo | None:
        return self._read(lambda s: devices.revoked_for(s, token))

    def revoke_device(self, name: str) -> DeviceInfo:
        return self._run(lambda c: devices.revoke(c, name))

    def set_device_profile(self, name: str, profile: dict[str, Any]) -> DeviceInfo:
        return self._run(lambda c: devices.set_profile(c, name, profile))

    def devices(self) -> list[DeviceInfo]:
        return self._read(devices.list_devices)

    def device(self, name: str) -> DeviceInfo:
        return self._read(lambda s: devices._info(devices.device_row(s, name)))

    def tokens(self) -> list[auth.TokenInfo]:
        return self._read(auth.list_tokens)

    def revoke_token(self, token_id: int) -> auth.TokenInfo:
        return self._run(lambda c: auth.revoke_token(c.session, token_id, now=c.now))


BATCH = 20_000


def _serial_batches(
    quantity: int,
    serials: Sequence[str] | None,
    progress: Callable[[int, int], None] | None,
    step: Callable[[list[str] | None, int | None], Assignment],
) -> None:
    """Long serial steps in slices, so a progress bar can follow; still one transaction.

    ``step(batch, None)`` for given serials, ``step(None, n)`` for n from the mask or by
    suggestion.
    """
    given = None if serials is None else list(serials)
    total = quantity if given is None else len(given)
    done = 0
    while done < total:
        n = min(BATCH, total - done)
        if given is None:
            step(None, n)
        else:
            step(given[done : done + n], None)
        done += n
        if progress:
            progress(done, total)
