"""The context one service call runs in: its session, clock, actor and settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from tracking_core.settings import Settings


@dataclass
class Ctx:
    session: Session
    now: dt.datetime
    operator: str | None = None
    device: str | None = None
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.load(self.session)
        return self._settings
