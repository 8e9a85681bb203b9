"""Devices enrol with one-time codes; operators sign in with badge and PIN, slowed when wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.conftest import Clock
from tracking_core.core import Tracking
from tracking_core.errors import (
    DuplicateKey,
    EnrolmentCodeInvalid,
    InvalidInput,
    NoPin,
    OperatorInactive,
    SignInLocked,
    UnknownDevice,
    WrongPin,
)
from tracking_core.models import OperatorSignIn
from tracking_core.signin import delay


def test_enrol_once_then_revoke_and_enrol_again(core: Tracking, clock: Clock) -> None:
    code, dev = core.create_device("HH-01", profile={"separators": ["~"]})
    assert (dev.enrolled, dev.revoked, dev.role) == (False, False, "operator")
    assert dev.enrol_expires_at is not None
    token, dev = core.enrol_device(code)
    assert dev.enrolled and dev.enrol_expires_at is None
    found = core.authenticate_device(token)
    assert found is not None and found.name == "HH-01" and found.profile == {"separators": ["~"]}
    as_api = core.authenticate(token)  # a device token is an operator's API token
    assert as_api is not None and (as_api.name, as_api.role) == ("HH-01", "operator")
    with pytest.raises(EnrolmentCodeInvalid):
        core.enrol_device(code)  # used up
    core.revoke_device("HH-01")
    assert core.authenticate_device(token) is None and core.authenticate(token) is None
    again, _ = core.new_enrolment("HH-01")
    token2, dev = core.enrol_device(again)
    assert dev.enrolled and not dev.revoked and token2 != token
    assert core.authenticate_device(token) is None
    assert core.authenticate_device(token2) is not None


def test_a_second_enrolment_retires_the_first_token(core: Tracking) -> None:
    code, _ = core.create_device("HH-02")
    first, _ = core.enrol_device(code)
    code2, _ = core.new_enrolment("HH-02")
    second, _ = core.enrol_device(code2)
    assert core.authenticate_device(first) is None
    assert core.authenticate_device(second) is not None


def test_codes_expire(core: Tracking, clock: Clock) -> None:
    code, _ = core.create_device("HH-03")
    clock.advance(minutes=10)
    with pytest.raises(EnrolmentCodeInvalid):
        core.enrol_device(code)
    assert not core.device("HH-03").enrolled


@pytest.mark.parametrize("code", ["", "x", "nope-nope-nope", "a" * 65, None, 5])
def test_bad_codes_change_nothing(core: Tracking, code: object) -> None:
    core.create_device("HH-04")
    with pytest.raises(EnrolmentCodeInvalid):
        core.enrol_device(code)  # type: ignore[arg-type]
    assert not core.device("HH-04").enrolled and len(core.tokens()) == 0


def test_device_names_and_profiles_are_checked(core: Tracking) -> None:
    core.create_device("HH-05")
    with pytest.raises(DuplicateKey):
        core.create_device("HH-05")
    for name in ("", "A" * 65, "bad\x00name"):
        with pytest.raises(InvalidInput):
            core.create_device(name)
    with pytest.raises(InvalidInput):
        core.create_device("HH-06", profile={"x": "y" * 5000})
    with pytest.raises(UnknownDevice):
        core.revoke_device("NOPE")
    assert [d.name for d in core.devices()] == ["HH-05"]


def test_pin_sign_in_records_the_operator_and_lapses(core: Tracking, clock: Clock) -> None:
    core.create_operator(badge="0044", name="Pat", pin="1234")
    core.update_settings({"operator_idle_minutes": 30}, actor="t", role="admin")
    who = core.sign_in_operator("HH-01", "0044", "1234")
    assert (who.badge, who.name, who.role) == ("0044", "Pat", "operator")
    state = core.device_state("HH-01")
    assert state["operator"] == "0044" and state["operator_idle"] == 1800
    assert who.expires_at == clock() + dt.timedelta(minutes=30)
    core.sign_out_operator("HH-01")
    assert core.device_state("HH-01")["operator"] is None
    assert [r.result for r in core.operator_signins(badge="0044")] == ["ok"]


def test_wrong_pins_are_counted_delayed_and_audited(core: Tracking, clock: Clock) -> None:
    core.create_operator(badge="0044", name="Pat", pin="1234")
    seen = []
    for n in range(1, 11):  # ten wrong PINs, each after the previous delay has passed
        with pytest.raises(WrongPin) as err:
            core.sign_in_operator("HH-01", "0044", "9999")
        assert err.value.failures == n and err.value.retry_after == delay(n)
        seen.append(err.value.retry_after)
        if err.value.retry_after:
            with pytest.raises(SignInLocked) as locked:  # not even checked: right PIN too
                core.sign_in_operator("HH-01", "0044", "1234")
            assert locked.value.retry_after == err.value.retry_after
        clock.advance(seconds=err.value.retry_after)
    assert seen == [0, 0, 1, 2, 4, 8, 16, 32, 64, 128]
    assert core.device_state("HH-01").get("operator") is None  # nothing signed in
    core.sign_in_operator("HH-01", "0044", "1234")  # after the wait, the right PIN works
    results = [r.result for r in reversed(core.operator_signins(badge="0044"))]
    assert results.count("wrong_pin") == 10 and results[-1] == "ok"
    assert results.count("locked") == 8
    with pytest.raises(WrongPin) as err:
        core.sign_in_operator("HH-01", "0044", "0000")
    assert err.value.failures == 1  # a success resets the count


def test_unknown_inactive_and_pinless_operators(core: Tracking) -> None:
    core.create_operator(badge="0042", name="Ann")
    core.create_operator(badge="0045", name="Lee", pin="5555")
    core.deactivate_operator("0045")
    with pytest.raises(WrongPin):  # the same answer as a wrong PIN
        core.sign_in_operator("HH-01", "9999", "1234")
    with pytest.raises(NoPin):
        core.sign_in_operator("HH-01", "0042", "1234")
    with pytest.raises(OperatorInactive):
        core.sign_in_operator("HH-01", "0045", "5555")
    with pytest.raises(InvalidInput):
        core.sign_in_operator("HH-01", "00\u200b42", "1234")
    for pin in ("12", "123456789", "12a4", "١٢٣٤"):
        with pytest.raises(InvalidInput):
            core.set_operator_pin("0042", pin)
    results = sorted(r.result for r in core.operator_signins())
    assert results == ["inactive", "no_pin", "unknown"]


def test_supervisor_sign_in_shares_the_rules(core: Tracking) -> None:
    core.create_operator(badge="0050", name="Sam", role="setup", pin="5050")
    info = core.authenticate_operator("0050", "5050")
    assert (info.role, info.has_pin) == ("setup", True)
    with pytest.raises(WrongPin):
        core.authenticate_operator("0050", "0000")
    rows = core.db.run(
        lambda s: s.execute(select(func.count()).select_from(OperatorSignIn)).scalar_one(),
        readonly=True,
    )
    assert rows == 2
    assert [r.device for r in core.operator_signins()] == [None, None]


def test_a_new_pin_lifts_a_lock_out(core: Tracking) -> None:
    core.create_operator(badge="0044", name="Pat", pin="1234")
    for _ in range(3):
        with pytest.raises(WrongPin):
            core.sign_in_operator("HH-01", "0044", "0000")
    with pytest.raises(SignInLocked):
        core.sign_in_operator("HH-01", "0044", "1234")
    core.set_operator_pin("0044", "4321")
    assert core.sign_in_operator("HH-01", "0044", "4321").badge == "0044"
