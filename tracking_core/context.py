"""The context one service call runs in: its session, clock, actor and settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tracking_core.settings import Settings
from tracking_core.vocabulary import Role


@dataclass
class Ctx:
    session: Session
    now: dt.datetime
    operator: str | None = None  # the signed-in operator's badge
    device: str | None = None
    operator_id: int | None = None  # that operator's row
    token: str | None = None  # the API token's name (or the CLI's actor)
    role: Role | None = None  # the token's role, for the permission table
    _settings: Settings | None = field(default=None, repr=False)

    def who(self) -> dict[str, Any]:
        """The records' who-columns: the signed-in operator (badge and row), token, device."""
        return {
            "operator": self.operator,
            "operator_id": self.operator_id,
            "token": self.token,
            "device": self.device,
        }

    @property
    def today(self) -> dt.date:
        return self.now.date()

    def use_settings(self, settings: Settings) -> None:
        """Settings already read in this transaction (a cache checked against their version)."""
        self._settings = settings

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.load(self.session)
        return self._settings
