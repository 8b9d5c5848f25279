"""Report periods the owner types ("hoy", "semana", "2026-11-01 2026-11-30") as shop-local days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain import texts
from domain.exceptions import DomainError
from domain.language import strip_accents

MAX_DAYS = 366
MIN_YEAR = 2000
MAX_YEAR = 2100
_TODAY = "hoy"
_YESTERDAY = "ayer"
_WEEK = "semana"
_MONTH = "mes"
_WEEK_DAYS = 7
# Words around the period that change nothing: "últimos 7 días", "del 1/11/2026 al 30/11/2026".
_FILLERS = frozenset(
    {"los", "las", "ultimos", "ultimas", "ultimo", "dias", "dia", "este", "del", "de", "desde"}
    | {"al", "a", "hasta", "y", "-", "\u2013", "\u2014"}
)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_LATIN = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_NUMBER = re.compile(r"^\d{1,6}$")


@dataclass(frozen=True)
class Period:
    """Shop-local days as aware datetimes: `start` inclusive, `end` exclusive."""

    start: datetime
    end: datetime
    label: str

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        """The last local day inside the period."""
        return (self.end - timedelta(microseconds=1)).date()

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


class InvalidPeriod(DomainError):
    """A period the owner wrote that cannot be understood; the message is Spanish."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_period(
    args: str, *, today: date, tz: ZoneInfo, default_days: int | None = 30
) -> Period | None:
    """Read a period for reports; "" means the last `default_days` days (None: everything)."""
    words = [w for w in strip_accents(args.casefold()).split() if w not in _FILLERS]
    if not words:
        if default_days is None:
            return None
        return last_days(default_days, today=today, tz=tz)
    if len(words) == 1:
        word = words[0]
        if word == _TODAY:
            return day_period(today, tz=tz, label=texts.PERIOD_TODAY)
        if word == _YESTERDAY:
            return day_period(today - timedelta(days=1), tz=tz, label=texts.PERIOD_YESTERDAY)
        if word == _WEEK:
            return last_days(_WEEK_DAYS, today=today, tz=tz)
        if word == _MONTH:
            return between(today.replace(day=1), today, tz=tz, label=texts.PERIOD_THIS_MONTH)
        if _NUMBER.match(word):
            days = int(word)
            if not 1 <= days <= MAX_DAYS:
                raise _invalid(texts.PERIOD_TOO_MANY_DAYS.format(days=days, limit=MAX_DAYS))
            return last_days(days, today=today, tz=tz)
        if _looks_like_date(word):
            return day_period(_parse_date(word), tz=tz)
    if len(words) == 2 and all(_looks_like_date(word) for word in words):
        start, end = (_parse_date(word) for word in words)
        if end < start:
            raise _invalid(
                texts.PERIOD_END_BEFORE_START.format(start=long_date(start), end=long_date(end))
            )
        return between(start, end, tz=tz)
    raise _invalid(texts.PERIOD_NOT_UNDERSTOOD.format(value=" ".join(args.split())))


def last_days(days: int, *, today: date, tz: ZoneInfo) -> Period:
    """The last `days` local days, today included."""
    if days == 1:
        return day_period(today, tz=tz, label=texts.PERIOD_TODAY)
    label = texts.PERIOD_LAST_DAYS.format(days=days)
    return between(today - timedelta(days=days - 1), today, tz=tz, label=label)


def day_period(day: date, *, tz: ZoneInfo, label: str | None = None) -> Period:
    """One local day."""
    return between(day, day, tz=tz, label=label)


def between(first: date, last: date, *, tz: ZoneInfo, label: str | None = None) -> Period:
    """Local days `first`..`last`, both included."""
    return Period(
        start=_midnight(first, tz),
        end=_midnight(last + timedelta(days=1), tz),
        label=label or describe_days(first, last),
    )


def describe_days(first: date, last: date) -> str:
    """Spanish: "el 5 de nov. de 2026", "del 1 al 30 de nov. de 2026", …"""
    if first == last:
        return texts.PERIOD_DAY.format(day=long_date(first))
    if (first.year, first.month) == (last.year, last.month):
        return texts.PERIOD_RANGE_SAME_MONTH.format(
            start_day=first.day, end_day=last.day, month=_month(last), year=last.year
        )
    if first.year == last.year:
        return texts.PERIOD_RANGE_SAME_YEAR.format(
            start_day=first.day,
            start_month=_month(first),
            end_day=last.day,
            end_month=_month(last),
            year=last.year,
        )
    return texts.PERIOD_RANGE.format(start=long_date(first), end=long_date(last))


def long_date(day: date) -> str:
    """Spanish: "5 de nov. de 2026"."""
    return texts.DATE_LONG.format(day=day.day, month=_month(day), year=day.year)


def short_date(day: date) -> str:
    """Spanish, for chart axes: "5 nov."."""
    return texts.DATE_SHORT.format(day=day.day, month=_month(day))


def _month(day: date) -> str:
    return texts.MONTHS_SHORT[day.month - 1]


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _looks_like_date(word: str) -> bool:
    return bool(_ISO.match(word) or _LATIN.match(word))


def _parse_date(word: str) -> date:
    """`2026-11-01`, `01/11/2026`, `1-11-26` (day first) → a date, or InvalidPeriod."""
    if iso := _ISO.match(word):
        year, month, day = (int(part) for part in iso.groups())
    elif latin := _LATIN.match(word):
        day, month, year = (int(part) for part in latin.groups())
        if year < 100:
            year += 2000
    else:
        raise _invalid(texts.PERIOD_BAD_DATE.format(value=word))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _invalid(texts.PERIOD_BAD_DATE.format(value=word))
    try:
        return date(year, month, day)
    except ValueError:
        raise _invalid(texts.PERIOD_BAD_DATE.format(value=word)) from None


def _invalid(problem: str) -> InvalidPeriod:
    return InvalidPeriod(f"{problem} {texts.PERIOD_FORMS}")
