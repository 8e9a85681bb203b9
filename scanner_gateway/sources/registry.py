"""Opening a source from its URL, through an explicit scheme registry (as pyserial does).

>>> src = open_source("loop://?framing=crlf", device_id="bench-1")
>>> type(src).__name__, src.url
('SerialSource', 'loop://?framing=crlf')
>>> open_source("ftp://x", device_id="d")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
scanner_gateway.sources.base.SourceConfigError: ftp://x: unknown scheme 'ftp' (known: alt, ...)
"""

from __future__ import annotations

from typing import Protocol

from scanner_gateway.sources.base import Source, SourceConfigError
from scanner_gateway.sources.hid import HidSource
from scanner_gateway.sources.serial_port import PYSERIAL_SCHEMES, SerialSource
from scanner_gateway.sources.tcp import TcpListenerSource

__all__ = ["SourceFactory", "open_source", "register_scheme", "scheme_of", "schemes"]


class SourceFactory(Protocol):
    def __call__(self, url: str, *, device_id: str) -> Source: ...


_REGISTRY: dict[str, SourceFactory] = {
    "serial": SerialSource.from_url,
    # pyserial's URL handlers, opened by serial_for_url itself.
    **{scheme: SerialSource.from_url for scheme in PYSERIAL_SCHEMES},
    "hid": HidSource.from_url,
    "hid-replay": HidSource.from_url,
    "tcp": TcpListenerSource.from_url,
}


def register_scheme(scheme: str, factory: SourceFactory) -> None:
    """Add a scheme (``"mqtt"``) for sources this package does not have."""
    _REGISTRY[scheme.lower()] = factory


def schemes() -> tuple[str, ...]:
    return tuple(sorted(_REGISTRY))


def scheme_of(url: str) -> str:
    """The URL's scheme; a plain path (``/dev/ttyACM0``) is ``serial``."""
    if "://" not in url:
        return "serial"
    return url.split("://", 1)[0].lower()


def open_source(url: str, *, device_id: str) -> Source:
    """Build the source for ``url`` (no I/O yet: :meth:`Source.run` opens the device).

    Raises :class:`SourceConfigError` for an unknown scheme, option or value.
    """
    url = url.strip()
    if not device_id:
        raise SourceConfigError(url, "expected a device id, got an empty one")
    scheme = scheme_of(url)
    factory = _REGISTRY.get(scheme)
    if factory is None:
        known = ", ".join(schemes())
        raise SourceConfigError(url, f"unknown scheme {scheme!r} (known: {known})")
    return factory(url, device_id=device_id)
