"""A pack scan costs the same statements into a case of 1 serial as into one of 1,000.

The scan's answer counts what the open container holds with one aggregate statement;
neither the step nor the answer reads the container's tree.
"""

from __future__ import annotations

from collections import Counter

from scanner_gateway.interpret import interpret
from scanner_gateway.session import Gateway
from scanner_gateway.session.gateway import ScanRequest
from tests.conftest import Clock, statements
from tracking_core.core import Actor, Tracking

BIG = 1000


def _serials(core: Tracking, n: int) -> list[str]:
    doc = core.receive(item="LAP", location="A1", quantity=n, partner="V1")
    return list(core.document(doc.number, detail=True).lines[0].serials)


def test_a_pack_scan_costs_the_same_into_1_and_1000_serials(core: Tracking, clock: Clock) -> None:
    core.create_location(code="A1")
    core.create_partner(code="V1", kind="vendor")
    core.create_item(sku="LAP", tracking="serial", serial_mask="SN-#####")
    gw = Gateway(core, interpret, caller=Actor(token="t", role="operator"))
    counts: list[Counter[str]] = []
    for n in (1, BIG):
        device = f"HH-{n}"
        inside = _serials(core, n + 1)
        case = core.create_container(location="A1")
        core.pack(case.code, serials=[("LAP", sn) for sn in inside[:n]])
        for i, raw in enumerate(("CMD:PACK", "LOC:A1", f"00{case.code}", "LAP")):
            clock.advance(seconds=2)
            gw.scan(ScanRequest(device, f"set-{i}", raw))
        clock.advance(seconds=2)
        with statements(core) as seen:
            fb = gw.scan(ScanRequest(device, "pack", inside[n]))
        assert (fb.code, fb.data["container"]["items"]) == ("packed", n + 1)
        counts.append(Counter(s.split()[0].upper() for s in seen))
    assert counts[0] == counts[1]
    # the scan's own (session, answer) and the core's pack step (checks, rows, record,
    # event): nothing that grows with the container
    assert sum(counts[0].values()) <= 18, counts[0]
