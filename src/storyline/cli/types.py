"""The argparse types of every option that takes a number or a date, defined once.

Each checks its range where the option is parsed, so that a bad value is one line naming the
option and the reason (argparse adds the option's name), never a run that quietly does nothing
(`--batch-size 0`), a traceback (`--batch-size -1`) or a wrong answer (`--limit -1`).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from datetime import date
from typing import NoReturn, TypeVar

T = TypeVar("T")


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def _ranged(name: str, parse: Callable[[str], T], low: float, high: float, reason: str) -> Callable[[str], T]:
    """A type that parses a number and refuses it outside [low, high], saying `reason`."""

    def check(text: str) -> T:
        value = parse(text)
        if not low <= value <= high:  # type: ignore[operator]
            raise argparse.ArgumentTypeError(reason.format(text.strip()))
        return value

    check.__name__ = check.__qualname__ = name
    return check


# 1 or more: a count of things to do at once (batch size, workers, bytes)
positive_int = _ranged("positive_int", _whole, 1, math.inf, "must be 1 or more, not {}")
# 0 or more: a limit where 0 means no limit, or a count that may be none
non_negative_int = _ranged("non_negative_int", _whole, 0, math.inf, "must be 0 or more, not {}")
port = _ranged("port", _whole, 1, 65535, "a port is between 1 and 65535, not {}")
# a rate, where 0 turns the limit off
non_negative_float = _ranged("non_negative_float", _number, 0, math.inf, "must be 0 or more, not {}")
unit_float = _ranged("unit_float", _number, 0, 1, "a confidence is between 0 and 1, not {}")
# requests per second to one host: from one every 1,000 s to 100 a second
rate = _ranged("rate", _number, 0.001, 100, "a rate is between 0.001 and 100 requests per second, not {}")
# seconds to wait for a server: a tenth of a second to ten minutes
timeout = _ranged("timeout", _number, 0.1, 600, "a timeout is between 0.1 and 600 seconds, not {}")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def interval(text: str) -> float:
    """A duration: 90, 90s, 15m, 1h, 1d; at least a second."""
    value = text.strip().lower()
    scale = UNITS.get(value[-1:])
    number = value[:-1] if scale else value
    try:
        seconds = float(number) * (scale or 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a duration (e.g. 90s, 15m, 1h): {text!r}") from None
    if not math.isfinite(seconds) or seconds < 1:
        raise argparse.ArgumentTypeError(f"an interval is at least 1 second, not {text!r}")
    return seconds


def iso_date(text: str) -> date:
    """YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line: the command, the option, the reason and
    where the help is (argparse's default prints the whole usage first, often several lines)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")
