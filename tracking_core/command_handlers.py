"""The handler table: one case per command, each calling the service that does the step.

``handle`` runs inside the caller's transaction and adds nothing around the service:
``Tracking.execute`` opens the transaction and stores the result for a ScanKey.
"""

from __future__ import annotations

from typing import TypeAlias, TypeVar, assert_never, cast

from tracking_core import (
    container_checks,
    container_moves,
    documents,
    lots,
    packing,
    posting,
    receiving_containers,
    serials,
    ship_notice_containers,
)
from tracking_core.commands import (
    AddLine,
    AllocateContainer,
    AllocateLot,
    AllocateSerials,
    AnnounceContainers,
    CancelDocument,
    CheckContainer,
    Command,
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
from tracking_core.ship_notice_values import Announcement, CheckResult, ContainerReceipt
from tracking_core.values import (
    Assignment,
    ContainerAssignment,
    DocumentInfo,
    LineInfo,
    PackRecord,
    PostResult,
)

R = TypeVar("R")
Result: TypeAlias = (
    Assignment
    | LineInfo
    | PostResult
    | DocumentInfo
    | PackRecord
    | ContainerAssignment
    | Announcement
    | ContainerReceipt
    | CheckResult
)


def handle(ctx: Ctx, command: Step[R]) -> R:
    """Run ``command``; its result is the ``R`` of its ``Step[R]``.

    The casts join the two typings: the union gives ``dispatch`` its exhaustiveness check,
    the generic base gives the caller its result type (tests hold each case to it).
    """
    return cast(R, dispatch(ctx, cast(Command, command)))


def dispatch(ctx: Ctx, command: Command) -> Result:
    match command:
        case GenerateSerials():
            return serials.generate_serials(
                ctx,
                command.document,
                line=command.line,
                item=command.item,
                serials=command.serials,
                count=command.count,
                lot=command.lot,
                expiry=command.expiry,
                production_date=command.production_date,
            )
        case AllocateSerials():
            return serials.allocate_serials(
                ctx,
                command.document,
                line=command.line,
                item=command.item,
                serials=command.serials,
                count=command.count,
                lot=command.lot,
            )
        case UnassignSerial():
            return serials.unassign_serial(
                ctx, command.document, serial=command.serial, item=command.item
            )
        case GenerateLot():
            return lots.generate_lot(
                ctx,
                command.document,
                quantity=command.quantity,
                line=command.line,
                item=command.item,
                lot=command.lot,
                expiry=command.expiry,
                production_date=command.production_date,
            )
        case AllocateLot():
            return lots.allocate_lot(
                ctx,
                command.document,
                quantity=command.quantity,
                line=command.line,
                item=command.item,
                lot=command.lot,
            )
        case UnassignLot():
            return lots.unassign_lot(
                ctx, command.document, lot=command.lot, item=command.item, quantity=command.quantity
            )
        case AddLine():
            return documents.add_line(ctx, command.document, command.spec)
        case SetLineQuantity():
            return documents.set_line_quantity(
                ctx, command.document, command.line, command.quantity
            )
        case PostDocument():
            return posting.post(ctx, command.document)
        case CancelDocument():
            return posting.cancel(ctx, command.document)
        case ReverseDocument():
            return posting.reverse(ctx, command.document, reversal_number=command.reversal_number)
        case PackContainer():
            return packing.pack(
                ctx,
                command.container,
                serials=command.serials,
                lots=command.lots,
                containers=command.containers,
                repack=command.repack,
            )
        case UnpackContainer():
            return packing.unpack(
                ctx,
                command.container,
                serials=command.serials,
                lots=command.lots,
                containers=command.containers,
                everything=command.everything,
            )
        case ReversePack():
            return packing.reverse_pack(ctx, command.operation)
        case AllocateContainer():
            return container_moves.allocate_container(ctx, command.document, command.container)
        case UnassignContainer():
            return container_moves.unassign_container(ctx, command.document, command.container)
        case AnnounceContainers():
            return ship_notice_containers.announce(ctx, command.document, command.containers)
        case ReceiveContainer():
            return receiving_containers.receive_container(ctx, command.document, command.container)
        case CheckContainer():
            return container_checks.check_container(
                ctx,
                command.document,
                command.container,
                serials=command.serials,
                lots=command.lots,
                quantities=command.quantities,
            )
        case _:
            assert_never(command)
