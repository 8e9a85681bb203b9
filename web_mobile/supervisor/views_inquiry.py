"""Serial and lot inquiry with full history, and the recall trace as a picture."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, url_for
from markupsafe import Markup

from web_mobile.supervisor import blueprint as bp
from web_mobile.supervisor import forms, trace_svg
from web_mobile.supervisor import session as sv


@bp.get("/inquiry")
@sv.requires("read")
def inquiry() -> Any:
    """The search form; a serial or a lot given goes to its page."""
    serial, lot, item = forms.text("serial"), forms.text("lot"), forms.text("item")
    if serial:
        return redirect(url_for("supervisor.serial", serial=serial, item=item))
    if lot:
        forms.text("item", required=True)  # a lot number is unique per item only
        return redirect(url_for("supervisor.lot", item=item, lot=lot))
    return render_template("supervisor/inquiry.html")


@bp.get("/serials/<serial>")
@sv.requires("read")
def serial(serial: str) -> Any:
    info = sv.core().serial(serial, item=forms.text("item"))
    return render_template("supervisor/serial.html", info=info)


@bp.get("/lots/<item>/<lot>")
@sv.requires("read")
def lot(item: str, lot: str) -> Any:
    info = sv.core().lot(lot, item=item)
    return render_template("supervisor/lot.html", info=info)


@bp.get("/trace")
@sv.requires("read")
def trace() -> Any:
    item, serial, lot = forms.text("item"), forms.text("serial"), forms.text("lot")
    direction = forms.choice("direction", ("forward", "backward")) or "forward"
    picture, result = None, None
    if item or serial or lot:
        forms.text("item", required=True)
        result = sv.core().trace(
            item=str(item), serial=serial, lot=lot, forward=direction == "forward"
        )
        picture = Markup(trace_svg.render(result))  # every text in it is escaped
    return render_template(
        "supervisor/trace.html",
        trace=result,
        picture=picture,
        form={"item": item, "serial": serial, "lot": lot, "direction": direction},
    )
