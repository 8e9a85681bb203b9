"""``scantrack`` commands for settings, API tokens, number masks and operators."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from tracking_core import ROLES, Role
from tracking_core.db import data_dir
from web_mobile.cli_common import CliError, State, emit, json_option, pass_state, table


@click.group()
def settings() -> None:
    """Settings that decide how the document flows behave (changes are audited)."""


@settings.command("show")
@json_option
@pass_state
def settings_show(state: State, as_json: bool) -> None:
    values = state.core.settings().as_dict()
    emit(as_json, values, lambda: table(sorted(values.items()), ["setting", "value"]))


@settings.command("set")
@click.argument("key")
@click.argument("value")
@click.option("--actor", required=True, help="Who makes the change, for the audit trail.")
@pass_state
def settings_set(state: State, key: str, value: str, actor: str) -> None:
    """Change one setting; VALUE is read as JSON when it parses (true, 3, "x"), else as text."""
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    core = state.core
    old = core.settings().as_dict().get(key)
    # Whoever can run the CLI against the database can change it anyway: the CLI
    # operator has the setup role.
    new = core.update_settings({key: parsed}, actor=actor, role="setup").as_dict()[key]
    click.echo(f"{key}: {json.dumps(old)} -> {json.dumps(new)}")


@click.group()
def token() -> None:
    """API tokens (for the REST API, Socket.IO and integrations)."""


@token.command("create")
@click.option("--name", required=True, help="Who or what uses it, e.g. erp.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@pass_state
def token_create(state: State, name: str, role: Role) -> None:
    """Create a token; it is printed once (stdout holds only the token)."""
    secret, info = state.core.create_token(name=name, role=role)
    click.echo(secret)
    click.echo(
        f"token {info.id} {info.name!r} ({info.role}) created; it is stored only as a hash, "
        "keep it now",
        err=True,
    )


@token.command("admin")
@click.option(
    "--file",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where the token is kept [default: admin.token beside the default database].",
)
@pass_state
def token_admin(state: State, path: Path | None) -> None:
    """Print the admin token kept in a file (mode 0600), creating it on first use.

    A token in the file that this database does not know yet is registered; a revoked
    one is replaced. stdout holds only the token: T=$(scantrack token admin).
    """
    if path is None:
        path = data_dir() / "admin.token"
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise CliError("invalid_input", f"there is no directory {path.parent.absolute()}")
    core = state.core
    secret = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    secret = secret if len(secret) >= 16 else ""  # not a token of ours: make one
    info = core.authenticate(secret) if secret else None
    if secret and info is None:
        _, info = core.create_token(name="admin", role="admin", token=secret)
    if info is None or info.revoked or info.role != "admin":
        secret, info = core.create_token(name="admin", role="admin")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secret + "\n")
    os.chmod(path, 0o600)
    click.echo(secret)
    click.echo(f"admin token {info.id} {info.name!r} kept in {path.absolute()}", err=True)


@token.command("list")
@json_option
@pass_state
def token_list(state: State, as_json: bool) -> None:
    tokens = state.core.tokens()
    rows = [
        (t.id, t.name, t.role, t.created_at.strftime("%Y-%m-%d %H:%M"), t.revoked) for t in tokens
    ]
    emit(as_json, tokens, lambda: table(rows, ["id", "name", "role", "created", "revoked"]))


@token.command("revoke")
@click.argument("token_id", type=int)
@pass_state
def token_revoke(state: State, token_id: int) -> None:
    info = state.core.revoke_token(token_id)
    click.echo(f"token {info.id} {info.name!r} revoked")


@click.group()
def masks() -> None:
    """Number masks for generated serials and lots."""


@masks.command("preview")
@click.argument("mask")
@click.option("--count", default=5, show_default=True, type=click.IntRange(min=1))
@pass_state
def masks_preview(state: State, mask: str, count: int) -> None:
    """The next numbers MASK would make today, without using them."""
    for number in state.core.preview_mask(mask, count=count):
        click.echo(number)


@click.group()
def operators() -> None:
    """Operators: the badges that may sign in on a scanner with OP:BADGE."""


def _operator_rows(ops: list[Any]) -> str:
    rows = [(o.badge, o.name, o.active, o.created_at.strftime("%Y-%m-%d %H:%M")) for o in ops]
    return table(rows, ["badge", "name", "active", "created"])


@operators.command("add")
@click.argument("badge")
@click.option("--name", required=True, help="The person's name.")
@pass_state
def operators_add(state: State, badge: str, name: str) -> None:
    """Add an operator with the code on their badge."""
    info = state.core.create_operator(badge=badge, name=name)
    click.echo(f"operator {info.badge} ({info.name}) added")


@operators.command("list")
@json_option
@pass_state
def operators_list(state: State, as_json: bool) -> None:
    ops = state.core.operators()
    emit(as_json, ops, lambda: _operator_rows(ops))


@operators.command("deactivate")
@click.argument("badge")
@pass_state
def operators_deactivate(state: State, badge: str) -> None:
    """The badge no longer signs in; the ledger keeps what it did."""
    info = state.core.deactivate_operator(badge)
    click.echo(f"operator {info.badge} ({info.name}) deactivated")


@operators.command("activate")
@click.argument("badge")
@pass_state
def operators_activate(state: State, badge: str) -> None:
    info = state.core.activate_operator(badge)
    click.echo(f"operator {info.badge} ({info.name}) active")


COMMANDS = (settings, token, masks, operators)
