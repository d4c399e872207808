"""Keep personal data out of logs: query strings and request objects are dropped."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s\"']*")


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None  # type: ignore[attr-defined]
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("?[removed]", record.msg)
        if record.args:
            record.args = tuple(
                _QUERY.sub("?[removed]", a) if isinstance(a, str) else a
                for a in (record.args if isinstance(record.args, tuple) else (record.args,))
            )
        return True
