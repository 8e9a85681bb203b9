"""Receiving by SSCC: a receipt's ship notice of containers, announced as JSON or CSV,
received with one scan of a pallet, opened and checked, and reported
(docs/receiving-by-sscc.md).

With ``device`` and ``scan_id`` the steps are idempotent like the other scan steps.
"""

from __future__ import annotations

from typing import Any

from tracking_core.codec import encode
from tracking_core.commands import AnnounceContainers, CheckContainer, ReceiveContainer, Step
from tracking_core.ship_notice_csv import read_notice
from tracking_core.ship_notice_values import AnnouncedContainer, AnnouncedContent
from web_mobile.api import blueprint as bp
from web_mobile.api.auth import actor, core
from web_mobile.api.bodies import (
    ContainerCheckBody,
    ContainerOnDocument,
    NoticeContainerIn,
    NoticeContentIn,
    ShipNoticeContainers,
    ShipNoticeCsv,
)
from web_mobile.api.openapi import ANY_ROLE, DOCUMENTS, SCAN
from web_mobile.api.routes_scanning import _scan_key
from web_mobile.api.routing import endpoint


def _run(command: Step[Any], body: Any) -> Any:
    scan = _scan_key(body.get("device"), body.get("scan_id"))
    return encode(core().execute(command, scan=scan, actor=actor(scan.device if scan else None)))


def _content(x: NoticeContentIn) -> AnnouncedContent:
    return AnnouncedContent(
        line=x.get("line"),
        item=x.get("item"),
        serials=tuple(x.get("serials", ())),
        lot=x.get("lot"),
        quantity=x.get("quantity"),
        expiry=x.get("expiry"),
    )


def _container(x: NoticeContainerIn) -> AnnouncedContainer:
    return AnnouncedContainer(
        x["sscc"],
        parent=x.get("parent"),
        contents=tuple(_content(c) for c in x.get("contents", ())),
        children=tuple(_container(c) for c in x.get("children", ())),
    )


@endpoint(bp, "GET", "/documents/<number>/ship-notice", roles=ANY_ROLE)
def ship_notice(number: str) -> Any:
    return encode(core().container_notice(number))


@endpoint(
    bp,
    "POST",
    "/documents/<number>/ship-notice/containers",
    roles=DOCUMENTS,
    body="ShipNoticeContainers",
    status=201,
)
def announce(number: str, body: ShipNoticeContainers) -> Any:
    boxes = [_container(x) for x in body["containers"]]
    return _run(AnnounceContainers(number, containers=boxes), body)


@endpoint(
    bp,
    "POST",
    "/documents/<number>/ship-notice/csv",
    roles=DOCUMENTS,
    body="ShipNoticeCsv",
    status=201,
)
def announce_csv(number: str, body: ShipNoticeCsv) -> Any:
    boxes = read_notice(body["csv"].splitlines())
    return _run(AnnounceContainers(number, containers=boxes), body)


@endpoint(
    bp,
    "POST",
    "/documents/<number>/ship-notice/receive",
    roles=SCAN,
    body="ContainerOnDocument",
    status=201,
)
def receive(number: str, body: ContainerOnDocument) -> Any:
    return _run(ReceiveContainer(number, container=body["container"]), body)


@endpoint(
    bp,
    "POST",
    "/documents/<number>/ship-notice/check",
    roles=SCAN,
    body="ContainerCheckBody",
    status=201,
)
def check(number: str, body: ContainerCheckBody) -> Any:
    command = CheckContainer(
        number,
        container=body["container"],
        serials=[(x.get("item"), x["serial"]) for x in body.get("serials", [])],
        lots=[(x.get("item"), x["lot"], x["quantity"]) for x in body.get("lots", [])],
        quantities=[(x["item"], x["quantity"]) for x in body.get("quantities", [])],
    )
    return _run(command, body)
