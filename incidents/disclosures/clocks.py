"""The public interest disclosure clocks, as pure date arithmetic.

The Public Interest Disclosures Act 2012 counts its periods in days, not business days:
IBAC is notified within 28 days after the disclosure is received (s 21), the discloser is
told whether it was notified (s 24), and a discloser may, within 28 days, say in writing
that the disclosure is not to be treated as a public interest disclosure (s 19). The
Interpretation of Legislation Act 1984 says how such a period is counted: the day of the
event itself is not counted (s 44(1)), and when the last day falls on a Saturday, a
Sunday or a public holiday the thing may be done on the next day that is none of those
(s 44(3)). So a clock here is `received_on` plus N calendar days, moved on past weekends
and the organisation's public holidays (`incidents.working_days`, Victoria by default).

Nothing here touches the database: the callers pass the dates, the periods and the state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from incidents import working_days

NOTIFY, ADVICE, OPT_OUT = "notify", "advice", "opt_out"
REMINDED_CLOCKS = (NOTIFY, ADVICE)  # the coordinator's duties; the opt-out is the discloser's


@dataclass(frozen=True)
class Periods:
    notify_days: int = 28
    advice_days: int = 28
    opt_out_days: int = 28
    reminder_days: int = 7


THE_ACT = Periods()


def last_day(start: dt.date, days: int, *, state: str = working_days.DEFAULT_STATE) -> dt.date:
    """The last day of a period of `days` days after `start` (start not counted), moved on
    to the next working day when it falls on a weekend or a public holiday of `state`."""
    if days < 0:
        raise ValueError(f"A period cannot be negative ({days} days).")
    day = start + dt.timedelta(days=days)
    while not working_days.is_working_day(day, state=state):
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Clock:
    key: str
    label: str
    section: str
    due_on: dt.date
    done_on: dt.date | None
    needed: bool  # False: nothing to do any more (the discloser opted out, say)
    today: dt.date

    @property
    def days_left(self) -> int:
        return (self.due_on - self.today).days

    @property
    def state(self) -> str:
        """done, not_needed, overdue (closed, for the discloser's window), due_today, running."""
        if self.done_on is not None:
            return "done"
        if not self.needed:
            return "not_needed"
        if self.days_left < 0:
            return "closed" if self.key == OPT_OUT else "overdue"
        if self.days_left == 0:
            return "due_today"
        return "running"

    @property
    def open(self) -> bool:
        return self.state in ("overdue", "due_today", "running")

    def remind_from(self, reminder_days: int) -> dt.date:
        return self.due_on - dt.timedelta(days=reminder_days)


def clocks(
    *,
    received_on: dt.date,
    periods: Periods,
    state: str,
    today: dt.date,
    assessment: str = "",
    ibac_notified_on: dt.date | None = None,
    discloser_advised_on: dt.date | None = None,
    opted_out_on: dt.date | None = None,
) -> list[Clock]:
    """The three clocks of one disclosure, in the order the page shows them.

    IBAC needs notifying unless the coordinator assessed that it is not a public interest
    disclosure or the discloser opted out in time; the discloser is told either way,
    unless they opted out. The opt-out window runs until it closes or they use it.
    """
    opted_out = opted_out_on is not None
    return [
        Clock(
            NOTIFY,
            "Notify IBAC",
            "s 21",
            last_day(received_on, periods.notify_days, state=state),
            ibac_notified_on,
            needed=not opted_out and assessment != "not",
            today=today,
        ),
        Clock(
            ADVICE,
            "Tell the discloser whether IBAC was notified",
            "s 24",
            last_day(received_on, periods.advice_days, state=state),
            discloser_advised_on,
            needed=not opted_out,
            today=today,
        ),
        Clock(
            OPT_OUT,
            "The discloser's window to say it is not a disclosure",
            "s 19",
            last_day(received_on, periods.opt_out_days, state=state),
            opted_out_on,
            needed=True,
            today=today,
        ),
    ]
