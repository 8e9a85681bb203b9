"""Printers from a TOML file: one ``[printers.NAME]`` table each.

```toml
[printers.dock-zebra]
url = "tcp://192.0.2.10:9100"   # raw port 9100; ?status=0 for printers without ~HS
dpi = 203
default = true

[printers.office]
url = "cups://Office_Laser"
dpi = 300

[printers.archive]
url = "spool:///var/spool/scantrack"
```

The same file may hold the stations (``[stations.NAME]``); each station names its printer.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner_gateway.printing.transports import Printer, open_printer

DPIS = (203, 300, 600)


class PrinterConfigError(ValueError):
    """A printers file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class PrinterConfig:
    name: str
    url: str
    dpi: int = 203
    default: bool = False

    def open(self) -> Printer:
        return open_printer(self.name, self.url)


@dataclass(frozen=True)
class Printers:
    configs: Mapping[str, PrinterConfig]

    @property
    def default(self) -> str | None:
        return next((c.name for c in self.configs.values() if c.default), None)

    def open_all(self) -> dict[str, Printer]:
        return {name: c.open() for name, c in self.configs.items()}


def parse_printers(data: Mapping[str, Any], *, source: str = "<config>") -> Printers:
    table = data.get("printers", {})
    if not isinstance(table, dict):
        raise PrinterConfigError(f"{source}: [printers] must be a table of printers")
    configs: dict[str, PrinterConfig] = {}
    for name, entry in table.items():
        where = f"{source}: printers.{name}"
        if not isinstance(entry, dict):
            raise PrinterConfigError(f"{where} must be a table")
        unknown = sorted(set(entry) - {"url", "dpi", "default"})
        if unknown:
            raise PrinterConfigError(f"{where}: unknown key {unknown[0]!r} (url, dpi, default)")
        url = entry.get("url")
        if not isinstance(url, str) or not url:
            raise PrinterConfigError(f"{where}.url is required (tcp://, cups://, spool://)")
        dpi = entry.get("dpi", 203)
        if dpi not in DPIS:
            raise PrinterConfigError(f"{where}.dpi must be one of 203, 300, 600")
        default = entry.get("default", False)
        if not isinstance(default, bool):
            raise PrinterConfigError(f"{where}.default must be true or false")
        try:
            open_printer(name, url)  # checks the URL now, not at the first label
        except ValueError as exc:
            raise PrinterConfigError(f"{where}.url: {exc}") from None
        configs[name] = PrinterConfig(name, url, dpi, default)
    if sum(c.default for c in configs.values()) > 1:
        raise PrinterConfigError(f"{source}: more than one printer has default = true")
    return Printers(configs)


def load_printers(path: str | Path) -> Printers:
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PrinterConfigError(f"{p}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise PrinterConfigError(f"{p}: not valid TOML: {exc}") from None
    return parse_printers(data, source=str(p))
