"""Answers the routes build by hand: the route and the OpenAPI document share these types."""

from __future__ import annotations

from typing import TypedDict

from tracking_core.values import ItemInfo, LocationInfo, PartnerInfo


class ItemList(TypedDict):
    items: list[ItemInfo]


class LocationList(TypedDict):
    locations: list[LocationInfo]


class PartnerList(TypedDict):
    partners: list[PartnerInfo]
