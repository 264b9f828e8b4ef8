"""Working days: Monday to Friday, less the public holidays of one Australian state.

Due dates that HR sees (triage, investigation, decision) and the day the monthly summary
goes out are counted in working days. Counting only weekends put a due date on Melbourne
Cup day or Christmas Day, when nobody is at work to meet it. Each organisation says whose
holidays count (`Organisation.holiday_state`, Victoria unless changed); the callers pass
it as `state`.

The calendar comes from the `holidays` package (`holidays.country_holidays("AU", ...)`):
national holidays, the state's own (Melbourne Cup day and the Friday before the AFL Grand
Final in Victoria, say) and the substitute days when a holiday falls on a weekend. Local
arrangements are not in it: a regional Victorian council that swaps Cup day for a show day
still gets Cup day here. Dates the government has not announced yet (the Grand Final Friday
a few years out) are the package's forecast, and a newer version of the package may move
them. Years after the package's last year (2100 for Australia) are refused rather than
counted with weekends only.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from types import MappingProxyType

import holidays

from accounts.models import HolidayState

DEFAULT_STATE: str = HolidayState.VIC.value
STATES: list[tuple[str, str]] = HolidayState.choices

_SATURDAY = 5


def holidays_for(state: str, years: Iterable[int]) -> dict[date, str]:
    """The public holidays of `state` in `years`: each date with its name."""
    found: dict[date, str] = {}
    for year in years:
        found.update(_holidays_in(_checked_state(state), year))
    return found


def is_working_day(day: date, *, state: str = DEFAULT_STATE) -> bool:
    """Monday to Friday and not a public holiday in `state`."""
    # The calendar is read even for a weekend, so a year it does not cover is always refused.
    holidays_that_year = _holidays_in(_checked_state(state), day.year)
    return day.weekday() < _SATURDAY and day not in holidays_that_year


def add_working_days(start: date, days: int, *, state: str = DEFAULT_STATE) -> date:
    """The `days`-th working day after `start`; `start` itself when `days` is 0.

    `start` need not be a working day: 1 working day after a Saturday is the Monday
    (or the Tuesday, if the Monday is a holiday).
    """
    if days < 0:
        raise ValueError(f"Cannot count a negative number of working days ({days}).")
    state = _checked_state(state)
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, state=state):
            remaining -= 1
    return current


def first_working_day(year: int, month: int, *, state: str = DEFAULT_STATE) -> date:
    """The first day of the month that is a working day in `state`."""
    state = _checked_state(state)
    day = date(year, month, 1)
    while not is_working_day(day, state=state):
        day += timedelta(days=1)
    return day


def _checked_state(state: str) -> str:
    if state not in HolidayState.values:
        expected = ", ".join(HolidayState.values)
        raise ValueError(
            f"Unknown state for public holidays: {state!r}; expected one of {expected}."
        )
    return str(state)


@functools.cache
def _holidays_in(state: str, year: int) -> Mapping[date, str]:
    # Built once per (state, year) and kept for the life of the process: at most eight
    # states times the package's range of years, each a couple of dozen dates.
    calendar = holidays.country_holidays("AU", subdiv=state, years=year)
    if not calendar.start_year <= year <= calendar.end_year:
        raise ValueError(
            f"No public holiday calendar for {year}: the holidays package covers Australia "
            f"from {calendar.start_year} to {calendar.end_year}."
        )
    return MappingProxyType(dict(calendar))
