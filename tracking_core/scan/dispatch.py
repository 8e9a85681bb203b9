"""One step, run: the permission it needs, the operator who signs it, its handler.

``execute`` dispatches with ``match`` and ends in ``assert_never``: a step type added to
``Step`` without a handler here is a type error, not a runtime surprise.
"""

from __future__ import annotations

from typing import Literal, assert_never

from tracking_core import auth, operators
from tracking_core.context import Ctx
from tracking_core.errors import SignInExpired
from tracking_core.scan import counting, document_steps, inquiry, pack_steps, session_steps
from tracking_core.scan.answer import Feedback
from tracking_core.scan.state import SessionState
from tracking_core.scan.steps import (
    Ask,
    Assign,
    Cancel,
    Confirm,
    CountSerial,
    GenerateN,
    Inquire,
    NewDocument,
    OpenContainer,
    Pack,
    ReceiveSscc,
    Refuse,
    SetDocument,
    SetItem,
    SetLocation,
    SetLot,
    SetMode,
    SetOperator,
    SetPartner,
    SetQuantity,
    Step,
    TakeContainer,
    Undo,
    Verify,
    VerifyContainer,
)

Action = Literal["scan", "scan_adhoc"]


def required_action(state: SessionState, step: Step) -> Action:
    """The action of ``tracking_core.auth.PERMISSIONS`` a step needs in this state.

    Scans against an existing document, and its confirm, are ``scan``; a step that makes
    an ad-hoc document, or assigns, generates or confirms on one, is ``scan_adhoc``.
    """
    if state.doc_type is None:  # count and inquiry make no documents
        return "scan"
    match step:
        case NewDocument():
            return "scan_adhoc"
        case Assign() | GenerateN() | TakeContainer():
            return "scan_adhoc" if state.document is None or state.adhoc else "scan"
        case Confirm():
            return "scan_adhoc" if state.adhoc else "scan"
        case _:
            return "scan"


def _what(step: Step) -> str:
    match step:
        case NewDocument():
            return "starting an ad-hoc document"
        case Assign() | TakeContainer():
            return "scanning onto an ad-hoc document"
        case GenerateN():
            return "generating numbers on an ad-hoc document"
        case Confirm():
            return "confirming an ad-hoc document"
        case _:
            return "scanning"


def execute(ctx: Ctx, state: SessionState, step: Step) -> tuple[Feedback, SessionState]:
    """Run ``step`` in ``state``: ``(feedback without prompt, new state)``; raises domain
    errors, which the caller turns into feedback after rolling back."""
    if isinstance(step, Refuse):
        return Feedback("error", step.code, step.message), state
    action = required_action(state, step)
    what = _what(step) if action != "scan" else "scanning"
    auth.require(ctx.role, action, ctx.settings, what=what)
    if state.operator and not isinstance(step, SetOperator):
        if state.sign_in_lapsed(ctx.now):
            raise SignInExpired(badge=state.operator, device=ctx.device or "")
        # deactivated since signing in: nothing more is recorded under that badge
        row = operators.signed_in(ctx.session, state.operator)
        ctx.operator, ctx.operator_id = row.badge, row.id
    return _run(ctx, state, step)


def _run(ctx: Ctx, state: SessionState, step: Step) -> tuple[Feedback, SessionState]:
    match step:
        case SetMode():
            return session_steps.set_mode(ctx, state, step)
        case SetOperator():
            return session_steps.set_operator(ctx, state, step)
        case SetPartner():
            return session_steps.set_partner(ctx, state, step)
        case SetDocument():
            return session_steps.set_document(ctx, state, step)
        case NewDocument():
            return session_steps.new_document(ctx, state, step)
        case SetLocation():
            return session_steps.set_location(ctx, state, step)
        case SetItem():
            return session_steps.set_item(ctx, state, step)
        case SetLot():
            return session_steps.set_lot(ctx, state, step)
        case SetQuantity():
            return session_steps.set_quantity(ctx, state, step)
        case Cancel():
            return session_steps.cancel(ctx, state, step)
        case Ask():
            return session_steps.ask(ctx, state, step)
        case CountSerial():
            return counting.count(ctx, state, step)
        case Confirm() if state.mode == "count":
            return counting.report(ctx, state)
        case Confirm() if state.mode == "pack":
            return pack_steps.close(ctx, state)
        case Confirm():
            return document_steps.confirm(ctx, state, step)
        case Assign():
            return document_steps.assign(ctx, state, step)
        case GenerateN():
            return document_steps.generate_n(ctx, state, step)
        case Verify():
            return document_steps.verify(ctx, state, step)
        case Undo() if state.undo and state.undo[-1]["kind"] in pack_steps.UNDO_KINDS:
            return pack_steps.undo(ctx, state)
        case Undo():
            return document_steps.undo(ctx, state, step)
        case OpenContainer():
            return pack_steps.open_container(ctx, state, step)
        case Pack():
            return pack_steps.pack(ctx, state, step)
        case TakeContainer():
            return pack_steps.take(ctx, state, step)
        case VerifyContainer():
            return pack_steps.verify(ctx, state, step)
        case ReceiveSscc():
            return pack_steps.receive(ctx, state, step)
        case Inquire():
            return inquiry.answer(ctx, state, step.label), state
        case Refuse():
            return Feedback("error", step.code, step.message), state
        case _:
            assert_never(step)
