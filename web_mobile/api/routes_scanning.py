"""Scan-sized steps on documents: generate or allocate serials and lots, take them off.

With ``device`` and ``scan_id`` a step is idempotent: the core stores the result with
the step, and a replay answers it again and changes nothing.
"""

from __future__ import annotations

from typing import Any

from tracking_core.commands import (
    AllocateLot,
    AllocateSerials,
    GenerateLot,
    GenerateSerials,
    Step,
    UnassignLot,
    UnassignSerial,
)
from tracking_core.core import ScanKey
from tracking_core.values import Assignment
from web_mobile.api import blueprint as bp
from web_mobile.api.answers import StepResult
from web_mobile.api.auth import actor, core
from web_mobile.api.bodies import LotStep, SerialStep
from web_mobile.api.errors import invalid_request
from web_mobile.api.inputs import arg, int_arg
from web_mobile.api.openapi import INT32_MAX, SCAN
from web_mobile.api.response_schema import present
from web_mobile.api.routing import endpoint

GENERATE_ONLY = ("lot", "expiry", "production_date")


def _scan_key(device: str | None, scan_id: str | None) -> ScanKey | None:
    if (device is None) != (scan_id is None):
        missing = "scan_id" if scan_id is None else "device"
        raise invalid_request(missing, "device and scan_id go together")
    return None if device is None or scan_id is None else ScanKey(device, scan_id)


def _split(body: SerialStep | LotStep) -> tuple[str, ScanKey | None, dict[str, Any]]:
    """(action, scan key, the step's own arguments) of a checked step body."""
    args: dict[str, Any] = dict(body)
    device, scan_id = args.pop("device", None), args.pop("scan_id", None)
    return args.pop("action"), _scan_key(device, scan_id), args


def _refuse_generate_only(args: dict[str, Any], allowed: tuple[str, ...] = ()) -> None:
    extra = sorted((set(GENERATE_ONLY) - set(allowed)) & args.keys())
    if extra:
        raise invalid_request(extra[0], "only for action generate")


def assignment_json(a: Assignment) -> dict[str, Any]:
    out: dict[str, Any] = present(a, StepResult)
    return out


def _execute(command: Step[Assignment], scan: ScanKey | None) -> dict[str, Any]:
    who = actor(scan.device if scan else None)
    return assignment_json(core().execute(command, scan=scan, actor=who))


@endpoint(bp, "POST", "/documents/<number>/serials", roles=SCAN, body="SerialStep", status=201)
def serial_step(number: str, body: SerialStep) -> Any:
    action, scan, args = _split(body)
    if action == "generate":
        return _execute(GenerateSerials(number, **args), scan)
    _refuse_generate_only(args, allowed=("lot",))  # the lot on the labels must match
    return _execute(AllocateSerials(number, **args), scan)


@endpoint(bp, "POST", "/documents/<number>/lots", roles=SCAN, body="LotStep", status=201)
def lot_step(number: str, body: LotStep) -> Any:
    action, scan, args = _split(body)
    if action == "generate":
        return _execute(GenerateLot(number, **args), scan)
    _refuse_generate_only(args, allowed=("lot",))
    return _execute(AllocateLot(number, **args), scan)


@endpoint(bp, "DELETE", "/documents/<number>/serials/<serial>", roles=SCAN)
def unassign_serial(number: str, serial: str) -> Any:
    scan = _scan_key(arg("device"), arg("scan_id"))
    return _execute(UnassignSerial(number, serial=serial, item=arg("item")), scan)


@endpoint(bp, "DELETE", "/documents/<number>/lots/<lot>", roles=SCAN)
def unassign_lot(number: str, lot: str) -> Any:
    scan = _scan_key(arg("device"), arg("scan_id"))
    given = arg("quantity") is not None
    quantity = int_arg("quantity", 0, high=INT32_MAX) if given else None  # None: all of it
    return _execute(UnassignLot(number, lot=lot, item=arg("item"), quantity=quantity), scan)
