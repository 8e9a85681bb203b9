"""Cases and pallets: create, inquire, pack, unpack, reverse a step, print the label, and
move a container whole on a document (docs/containers.md).

With ``device`` and ``scan_id`` the steps are idempotent like the other scan steps.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, request

from scanner_gateway.labels import packing_list_pdf, tree_svg
from tracking_core.codec import encode
from tracking_core.commands import (
    AllocateContainer,
    PackContainer,
    ReversePack,
    Step,
    UnassignContainer,
    UnpackContainer,
)
from tracking_core.core import ScanKey
from web_mobile.api import blueprint as bp
from web_mobile.api.answers import ContainerStep
from web_mobile.api.auth import actor, core
from web_mobile.api.bodies import (
    ContainerCreate,
    ContainerLabelBody,
    ContainerOnDocument,
    Pack,
    ScanKeyBody,
    Unpack,
)
from web_mobile.api.inputs import arg, int_arg
from web_mobile.api.openapi import ANY_ROLE, LABELS, SCAN
from web_mobile.api.response_schema import present
from web_mobile.api.routes_scanning import _scan_key
from web_mobile.api.routing import endpoint


def _run(command: Step[Any], body: Any) -> Any:
    scan = _scan_key(body.get("device"), body.get("scan_id"))
    return core().execute(command, scan=scan, actor=actor(scan.device if scan else None))


def _refs(body: Pack | Unpack) -> dict[str, Any]:
    return {
        "serials": [(x.get("item"), x["serial"]) for x in body.get("serials", [])],
        "lots": [(x["item"], x["lot"], x["quantity"]) for x in body.get("lots", [])],
        "containers": list(body.get("containers", [])),
    }


@endpoint(bp, "GET", "/containers", roles=ANY_ROLE)
def list_containers() -> Any:
    found = core().containers(
        location=arg("location"),
        status=arg("status"),
        limit=int_arg("limit", 100, low=1, high=1000),
    )
    return {"containers": encode(found)}


@endpoint(bp, "POST", "/containers", roles=SCAN, body="ContainerCreate", status=201)
def create_container(body: ContainerCreate) -> Any:
    info = core().create_container(
        location=body["location"],
        code=body.get("code"),
        label=body.get("label", False),
        printer=body.get("printer"),
        actor=actor(),
    )
    return encode(info)


@endpoint(bp, "GET", "/containers/<code>", roles=ANY_ROLE)
def container(code: str) -> Any:
    return encode(core().container(code))


@endpoint(bp, "GET", "/containers/<code>/packing-list.pdf", roles=ANY_ROLE)
def packing_list(code: str) -> Any:
    info = core().container(code)
    pdf = packing_list_pdf(info, printed_at=dt.datetime.now(dt.UTC))
    resp = current_app.response_class(pdf, status=200, content_type="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="packing-list-{info.code}.pdf"'
    return resp


@endpoint(bp, "GET", "/containers/<code>/tree.svg", roles=ANY_ROLE)
def tree_picture(code: str) -> Any:
    svg = tree_svg(core().container(code))
    return current_app.response_class(svg, status=200, content_type="image/svg+xml")


@endpoint(bp, "GET", "/containers/<code>/records", roles=ANY_ROLE)
def container_records(code: str) -> Any:
    return {"records": encode(core().pack_records(code))}


@endpoint(bp, "POST", "/containers/<code>/pack", roles=SCAN, body="Pack", status=201)
def pack(code: str, body: Pack) -> Any:
    cmd = PackContainer(code, repack=body.get("repack", False), **_refs(body))
    return encode(_run(cmd, body))


@endpoint(bp, "POST", "/containers/<code>/unpack", roles=SCAN, body="Unpack", status=201)
def unpack(code: str, body: Unpack) -> Any:
    cmd = UnpackContainer(code, everything=body.get("all", False), **_refs(body))
    return encode(_run(cmd, body))


@endpoint(
    bp, "POST", "/containers/<code>/label", roles=LABELS, body="ContainerLabelBody", status=201
)
def container_label(code: str, body: ContainerLabelBody) -> Any:
    job = core().container_label(
        code, printer=body.get("printer"), copies=body.get("copies", 1), actor=actor()
    )
    return {"job": job, "container": core().container(code).code}


@endpoint(
    bp, "POST", "/pack-records/<int:operation>/reverse", roles=SCAN, body="ScanKeyBody", status=201
)
def reverse_pack(operation: int, body: ScanKeyBody) -> Any:
    return encode(_run(ReversePack(operation), body))


@endpoint(
    bp, "POST", "/documents/<number>/containers", roles=SCAN, body="ContainerOnDocument", status=201
)
def allocate_container(number: str, body: ContainerOnDocument) -> Any:
    done = _run(AllocateContainer(number, container=body["container"]), body)
    return present(done, ContainerStep)


@endpoint(bp, "DELETE", "/documents/<number>/containers/<code>", roles=SCAN)
def unassign_container(number: str, code: str) -> Any:
    scan: ScanKey | None = _scan_key(request.args.get("device"), request.args.get("scan_id"))
    done = core().execute(
        UnassignContainer(number, container=code),
        scan=scan,
        actor=actor(scan.device if scan else None),
    )
    return present(done, ContainerStep)
