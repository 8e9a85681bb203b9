"""Station config: which scanner is which device, in which mode, where, printing where.

``scantrack gateway --config stations.toml`` reads a file like this one::

    # Optional: what every station gets unless it says otherwise.
    [defaults]
    mode = "inquiry"
    printer = "zebra-dock"

    # [stations.DEVICE-ID]: the device id is the table's name.
    [stations.dock-1]
    source = "serial:///dev/serial/by-id/usb-Datalogic_QD2430-if00?baudrate=9600&framing=crlf"
    mode = "receive"
    location = "DOCK-1"
    printer = "zebra-dock-1"
    description = "receiving dock, left door"

    [stations.pack-2]
    source = "hid:///dev/input/by-id/usb-Honeywell_1900-event-kbd?layout=de"
    mode = "pick"
    location = "PACK-2"

    # Network scanners share one listener; `peer` names the scanner by its address.
    [stations.door-3]
    source = "tcp://0.0.0.0:4001?framing=stx"
    peer = "10.20.0.17"
    mode = "ship"
    location = "DOOR-3"

    # The same listener without `peer`: any other scanner, as yard@ITS-ADDRESS.
    # Leave it out to refuse scanners the file does not name.
    [stations.yard]
    source = "tcp://0.0.0.0:4001?framing=stx"
    ambiguous_ai = "strip"   # its scanners send GS1 without identifiers: 21SN3 is SN3

Keys of a station: ``source`` (a source URL, required), ``mode`` (one of the scan
session modes, default ``inquiry``), ``location``, ``printer``, ``description``,
``partner`` (the vendor or customer of the station's ad-hoc documents, unless one is
scanned with a ``PTN:`` label), ``peer`` (tcp sources only), and two keys of the station's
scan profile (:class:`~scanner_gateway.interpret.ScanProfile`): ``ambiguous_ai`` (``ask``,
the default, ``strip`` or ``keep``: a plain scan that also reads as GS1, like ``21SN3``) and
``gs1`` (``auto``, the default, ``never`` or ``always``: whether data without a
symbology identifier can be GS1). Stations on one ``tcp://HOST:PORT`` share one listener and
must spell its options the same. Every mistake is a :class:`StationConfigError` that
names the file and the key::

    stations.toml: stations.dock-1.mode: expected one of receive, pick, ..., got 'recieve'

>>> cfg = StationConfig.parse('''
... [stations.dock-1]
... source = "loop://?framing=crlf"
... mode = "receive"
... location = "DOCK-1"
... [stations.net]
... source = "tcp://127.0.0.1:4001"
... ''')
>>> cfg.station_for("dock-1").location, cfg.station_for("net@10.0.0.5").device_id
('DOCK-1', 'net')
>>> cfg.station_for("dock-1").profile.ambiguous_ai
'ask'
>>> try:
...     StationConfig.parse('[stations.d]\\nsource = "loop://"\\nambiguous_ai = "maybe"')
... except StationConfigError as e:
...     print(e.key, "-", e.reason)
stations.d.ambiguous_ai - expected one of ask, strip, keep, got 'maybe'
>>> try:
...     StationConfig.parse('[stations.d]\\nsource = "loop://"\\nmode = "recieve"', path="x.toml")
... except StationConfigError as e:
...     print(e.path, e.key, e.reason.split(",")[0], "...", e.reason.split(",")[-1])
x.toml stations.d.mode expected one of receive ...  got 'recieve'
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from scanner_gateway.interpret.profile import (
    AMBIGUOUS_AI,
    DEFAULT_PROFILE,
    GS1_MODES,
    ScanProfile,
)
from scanner_gateway.sources import Source, SourceConfigError, open_source, scheme_of
from scanner_gateway.sources.tcp import TcpListenerSource, normalize_ip
from tracking_core.scan import MODES

__all__ = ["Station", "StationConfig", "StationConfigError", "load_stations"]

DEVICE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_STATION_KEYS = (
    "source", "mode", "location", "printer", "peer", "description", "partner", "ambiguous_ai",
    "gs1",
)  # fmt: skip
_DEFAULT_KEYS = ("mode", "location", "printer", "partner", "ambiguous_ai", "gs1")
# Station keys that are scan profile fields, and the values each may take.
_PROFILE_KEYS = {"ambiguous_ai": AMBIGUOUS_AI, "gs1": GS1_MODES}
PARTNER_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")


class StationConfigError(ValueError):
    """A station file that cannot be used; says which file and which key."""

    def __init__(self, path: str, key: str | None, reason: str) -> None:
        self.path = path
        self.key = key
        self.reason = reason
        super().__init__(f"{path}: {key}: {reason}" if key else f"{path}: {reason}")


@dataclass(frozen=True)
class Station:
    device_id: str
    source: str
    mode: str = "inquiry"
    location: str | None = None
    printer: str | None = None
    peer: str | None = None  # tcp: the scanner's address
    description: str | None = None
    partner: str | None = None  # default partner of the station's ad-hoc documents
    profile: ScanProfile = field(default=DEFAULT_PROFILE, compare=False)
    """How this station's scans are read (``ambiguous_ai``, ``gs1``)."""

    @property
    def is_tcp(self) -> bool:
        return scheme_of(self.source) == "tcp"


@dataclass(frozen=True)
class StationConfig:
    stations: tuple[Station, ...]
    path: str = "<stations>"

    @classmethod
    def load(cls, path: str | Path) -> StationConfig:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as e:
            raise StationConfigError(str(path), None, f"cannot read: {e.strerror}") from None
        except UnicodeDecodeError as e:
            raise StationConfigError(str(path), None, f"expected UTF-8 text: {e}") from None
        return cls.parse(text, path=str(path))

    @classmethod
    def parse(cls, text: str, *, path: str = "<stations>") -> StationConfig:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            raise StationConfigError(path, None, f"not valid TOML: {e}") from None
        return cls(stations=_parse(data, path), path=path)

    def station_for(self, device_id: str) -> Station | None:
        """The station of a device id, including ``NAME@ADDRESS`` from a tcp listener."""
        for station in self.stations:
            if station.device_id == device_id:
                return station
        name, at, _ = device_id.partition("@")
        if at:
            for station in self.stations:
                if station.device_id == name and station.is_tcp and station.peer is None:
                    return station
        return None

    def open_sources(self) -> list[Source]:
        """One source per device, one listener per tcp HOST:PORT (nothing opened yet)."""
        sources: list[Source] = []
        listeners: dict[tuple[str, int], list[Station]] = {}
        for station in self.stations:
            if station.is_tcp:
                listeners.setdefault(_listen_address(station.source), []).append(station)
            else:
                sources.append(open_source(station.source, device_id=station.device_id))
        for group in listeners.values():
            catch_all = next((s.device_id for s in group if s.peer is None), None)
            peers = {s.peer: s.device_id for s in group if s.peer is not None}
            sources.append(
                TcpListenerSource.from_url(group[0].source, device_id=catch_all, peers=peers)
            )
        return sources


def load_stations(path: str | Path) -> StationConfig:
    return StationConfig.load(path)


def _text(path: str, key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise StationConfigError(path, key, f"expected a non-empty string, got {value!r}")
    return value.strip()


def _parse(data: Mapping[str, Any], path: str) -> tuple[Station, ...]:
    for key in data:
        # [printers.NAME] tables may share the file (scanner_gateway.printing.config).
        if key not in ("stations", "defaults", "printers"):
            raise StationConfigError(
                path,
                key,
                "unknown key (expected [defaults], [stations.NAME] and [printers.NAME] tables)",
            )
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise StationConfigError(path, "defaults", "expected a table")
    for key, value in defaults.items():
        if key not in _DEFAULT_KEYS:
            raise StationConfigError(
                path, f"defaults.{key}", f"unknown key (expected {', '.join(_DEFAULT_KEYS)})"
            )
        _text(path, f"defaults.{key}", value)
    tables = data.get("stations")
    if not isinstance(tables, dict) or not tables:
        raise StationConfigError(path, "stations", "expected at least one [stations.NAME] table")
    stations = [_station(path, name, table, defaults) for name, table in tables.items()]
    _check_devices(path, stations)
    return tuple(stations)


def _station(path: str, name: str, table: object, defaults: Mapping[str, Any]) -> Station:
    key = f"stations.{name}"
    if not isinstance(table, dict):
        raise StationConfigError(path, key, "expected a table")
    if not DEVICE_ID.fullmatch(name):
        raise StationConfigError(
            path, key, "expected a device id of letters, digits, '.', '_', ':' or '-' (at most 64)"
        )
    for k in table:
        if k not in _STATION_KEYS:
            raise StationConfigError(
                path, f"{key}.{k}", f"unknown key (expected {', '.join(_STATION_KEYS)})"
            )
    values = {**defaults, **table}
    fields = {k: _text(path, f"{key}.{k}", v) for k, v in values.items()}
    if "source" not in fields:
        raise StationConfigError(path, f"{key}.source", "missing: every station needs a source URL")
    mode = fields.get("mode", "inquiry")
    if mode not in MODES:
        raise StationConfigError(
            path, f"{key}.mode", f"expected one of {', '.join(MODES)}, got {mode!r}"
        )
    source = fields["source"]
    try:
        # Builds the source, which checks scheme, options and values; opens nothing.
        open_source(source, device_id=name)
    except SourceConfigError as e:
        reason = f"option {e.option}: {e.reason}" if e.option else e.reason
        raise StationConfigError(path, f"{key}.source", reason) from None
    chosen = {k: fields[k] for k in _PROFILE_KEYS if k in fields}
    for k, allowed in _PROFILE_KEYS.items():
        if k in chosen and chosen[k] not in allowed:
            raise StationConfigError(
                path, f"{key}.{k}", f"expected one of {', '.join(allowed)}, got {chosen[k]!r}"
            )
    profile = ScanProfile.from_mapping(chosen) if chosen else DEFAULT_PROFILE
    partner = fields.get("partner")
    if partner is not None and not PARTNER_CODE.fullmatch(partner):
        raise StationConfigError(
            path,
            f"{key}.partner",
            f"expected a partner code (letters, digits, '.', '_', '/', '-'), got {partner!r}",
        )
    peer = fields.get("peer")
    if peer is not None:
        if scheme_of(source) != "tcp":
            raise StationConfigError(path, f"{key}.peer", "only a tcp:// source has peers")
        try:
            peer = normalize_ip(peer)
        except ValueError:
            raise StationConfigError(
                path, f"{key}.peer", f"expected an IP address, got {peer!r}"
            ) from None
    return Station(
        device_id=name,
        source=source,
        mode=mode,
        location=fields.get("location"),
        printer=fields.get("printer"),
        peer=peer,
        description=fields.get("description"),
        partner=partner,
        profile=profile,
    )


def _listen_address(url: str) -> tuple[str, int]:
    """(host, port) of a tcp URL, one spelling per address (``::0`` is ``::``)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    with contextlib.suppress(ValueError):  # else a host name, kept as written
        host = str(ipaddress.ip_address(host))
    return (host, parts.port or 0)


def _device_key(url: str) -> str:
    """What identifies the device behind a non-tcp URL (its path), for duplicates."""
    base = url.split("?", 1)[0]
    if "://" not in base:
        return f"serial://{base}"
    scheme, rest = base.split("://", 1)
    return f"{scheme.lower()}://{rest}"


def _check_devices(path: str, stations: list[Station]) -> None:
    devices: dict[str, Station] = {}
    listeners: dict[tuple[str, int], list[Station]] = {}
    for st in stations:
        key = f"stations.{st.device_id}.source"
        if st.is_tcp:
            listeners.setdefault(_listen_address(st.source), []).append(st)
            continue
        device = _device_key(st.source)
        if device.startswith("loop://"):
            continue  # every loop:// is a loopback of its own
        if device in devices:
            other = devices[device].device_id
            raise StationConfigError(
                path, key, f"the same device as stations.{other} (a port has one reader)"
            )
        devices[device] = st
    for (host, port), group in listeners.items():
        first = group[0]
        options = sorted(parse_qsl(urlsplit(first.source).query, keep_blank_values=True))
        catch_all: Station | None = None
        peers: dict[str, Station] = {}
        for st in group:
            key = f"stations.{st.device_id}"
            if sorted(parse_qsl(urlsplit(st.source).query, keep_blank_values=True)) != options:
                raise StationConfigError(
                    path,
                    f"{key}.source",
                    f"listens on {host}:{port} like stations.{first.device_id} "
                    "but with other options (one listener, one set of options)",
                )
            if st.peer is None:
                if catch_all is not None:
                    raise StationConfigError(
                        path,
                        f"{key}.peer",
                        f"missing: stations.{catch_all.device_id} already takes every "
                        f"unnamed scanner on {host}:{port}",
                    )
                catch_all = st
            elif st.peer in peers:
                raise StationConfigError(
                    path, f"{key}.peer", f"{st.peer} is already stations.{peers[st.peer].device_id}"
                )
            else:
                peers[st.peer] = st
