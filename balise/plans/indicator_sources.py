"""Automatic indicator values. Another app (the observatory) registers a callable per table code;
an indicator whose ``observatory_table`` names a registered code refreshes itself periodically.

    register_indicator_source("victims_accompanied", lambda indicator, on_date: Decimal(4160))

The callable returns the value on ``on_date`` or ``None`` when it has none."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

IndicatorSource = Callable[[object, datetime.date], Decimal | int | float | None]

_SOURCES: dict[str, IndicatorSource] = {}


def register_indicator_source(code: str, fn: IndicatorSource) -> None:
    if not code:
        raise ValueError("an indicator source needs a code")
    _SOURCES[code] = fn


def unregister_indicator_source(code: str) -> None:
    _SOURCES.pop(code, None)


def get_indicator_source(code: str) -> IndicatorSource | None:
    return _SOURCES.get(code)


def registered_codes() -> list[str]:
    return sorted(_SOURCES)
