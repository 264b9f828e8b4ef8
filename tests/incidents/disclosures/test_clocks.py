"""The 28-day windows: calendar days from the day after receipt, the last day moved past
weekends and public holidays (Interpretation of Legislation Act 1984 s 44). No database."""

import datetime as dt

import pytest

from incidents.disclosures import clocks

D = dt.date


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        (D(2026, 2, 2), D(2026, 3, 2), "a Monday 28 days on: the day itself"),
        (D(2026, 2, 7), D(2026, 3, 10), "ends Saturday 7 March; Monday 9 March is Labour Day"),
        (D(2026, 3, 6), D(2026, 4, 7), "ends on Good Friday; Easter runs to Monday"),
        (D(2026, 10, 6), D(2026, 11, 4), "ends on Melbourne Cup day"),
        (D(2026, 11, 28), D(2026, 12, 29), "ends on Boxing Day; its substitute is the Monday"),
        (D(2027, 11, 27), D(2027, 12, 29), "ends on Christmas Day 2027; two substitute days"),
        (D(2026, 3, 20), D(2026, 4, 17), "Easter inside the window does not lengthen it"),
    ],
)
def test_the_last_day_is_28_calendar_days_on_then_the_next_working_day(received, due, why):
    assert clocks.last_day(received, 28, state="VIC") == due, why


def test_the_day_of_receipt_is_not_counted():
    assert clocks.last_day(D(2026, 2, 2), 1) == D(2026, 2, 3)


def test_another_states_holidays_move_the_day_only_there():
    # Melbourne Cup day is a Victorian holiday only.
    assert clocks.last_day(D(2026, 10, 6), 28, state="VIC") == D(2026, 11, 4)
    assert clocks.last_day(D(2026, 10, 6), 28, state="NSW") == D(2026, 11, 3)


def test_a_negative_period_is_refused():
    with pytest.raises(ValueError):
        clocks.last_day(D(2026, 2, 2), -1)


def _clocks(**kwargs):
    base = {
        "received_on": D(2026, 2, 2),
        "periods": clocks.THE_ACT,
        "state": "VIC",
        "today": D(2026, 2, 20),
    }
    return {clock.key: clock for clock in clocks.clocks(**{**base, **kwargs})}


def test_every_clock_runs_from_receipt_until_its_step_is_done():
    found = _clocks()
    assert {key: c.state for key, c in found.items()} == {
        "notify": "running",
        "advice": "running",
        "opt_out": "running",
    }
    assert found["notify"].days_left == 10
    done = _clocks(assessment="may_be", ibac_notified_on=D(2026, 2, 19))
    assert done["notify"].state == "done" and done["advice"].state == "running"


def test_assessed_as_no_disclosure_needs_no_notification_but_still_the_advice():
    found = _clocks(assessment="not")
    assert found["notify"].state == "not_needed"
    assert found["advice"].state == "running"


def test_an_opt_out_ends_the_coordinators_clocks():
    found = _clocks(opted_out_on=D(2026, 2, 10))
    assert found["notify"].state == "not_needed"
    assert found["advice"].state == "not_needed"
    assert found["opt_out"].state == "done"


def test_past_the_last_day_a_duty_is_overdue_and_the_window_closed():
    found = _clocks(today=D(2026, 3, 3))
    assert found["notify"].state == "overdue"
    assert found["opt_out"].state == "closed"
    assert not found["opt_out"].open
    assert _clocks(today=D(2026, 3, 2))["notify"].state == "due_today"


def test_an_organisations_periods_replace_the_acts():
    found = _clocks(periods=clocks.Periods(notify_days=14, advice_days=21, opt_out_days=28))
    assert found["notify"].due_on == D(2026, 2, 16)
    assert found["advice"].due_on == D(2026, 2, 23)
