"""Working days skip weekends and the public holidays of the organisation's state."""

import datetime as dt

import pytest

from accounts.models import Organisation
from incidents.working_days import (
    DEFAULT_STATE,
    STATES,
    add_working_days,
    first_working_day,
    holidays_for,
    is_working_day,
)

CUP_DAY_2026 = dt.date(2026, 11, 3)  # Tuesday


def test_victoria_is_the_default_state():
    assert DEFAULT_STATE == "VIC"
    assert not is_working_day(CUP_DAY_2026)


def test_melbourne_cup_day_is_a_holiday_in_victoria_but_a_working_day_in_nsw():
    assert not is_working_day(CUP_DAY_2026, state="VIC")
    assert is_working_day(CUP_DAY_2026, state="NSW")
    assert holidays_for("VIC", [2026])[CUP_DAY_2026] == "Melbourne Cup Day"


def test_christmas_2026_and_boxing_day_moved_to_monday_are_skipped():
    christmas = dt.date(2026, 12, 25)  # Friday
    boxing_day_observed = dt.date(2026, 12, 28)  # Boxing Day is a Saturday
    assert not is_working_day(christmas)
    assert not is_working_day(boxing_day_observed)
    assert is_working_day(dt.date(2026, 12, 29))
    assert holidays_for("VIC", [2026])[boxing_day_observed] == "Boxing Day (observed)"


def test_five_working_days_from_friday_30_october_skip_the_weekend_and_cup_day():
    friday = dt.date(2026, 10, 30)
    assert add_working_days(friday, 5, state="VIC") == dt.date(2026, 11, 9)
    assert add_working_days(friday, 5, state="NSW") == dt.date(2026, 11, 6)


def test_a_due_date_across_christmas_and_new_year_skips_the_three_holidays():
    wednesday = dt.date(2026, 12, 23)
    # 24, 29, 30 and 31 December, then Monday 4 January (New Year's Day is a Friday).
    assert add_working_days(wednesday, 5) == dt.date(2027, 1, 4)
    assert add_working_days(wednesday, 10) == dt.date(2027, 1, 11)


def test_the_first_working_day_of_january_2027_is_monday_the_4th():
    assert first_working_day(2027, 1) == dt.date(2027, 1, 4)


def test_the_first_working_day_of_a_month_starting_on_a_sunday_is_the_monday():
    assert first_working_day(2026, 11) == dt.date(2026, 11, 2)


def test_kings_birthday_is_a_holiday_in_victoria():
    assert not is_working_day(dt.date(2026, 6, 8))  # second Monday in June
    assert not is_working_day(dt.date(2027, 6, 14))


def test_the_friday_before_the_afl_grand_final_is_a_holiday_only_in_victoria():
    for grand_final_friday in (dt.date(2026, 9, 25), dt.date(2027, 9, 24)):
        assert not is_working_day(grand_final_friday, state="VIC")
        assert is_working_day(grand_final_friday, state="NSW")


def test_zero_working_days_is_the_start_day_even_on_a_holiday():
    assert add_working_days(CUP_DAY_2026, 0) == CUP_DAY_2026


def test_counting_from_a_holiday_starts_the_next_working_day():
    assert add_working_days(CUP_DAY_2026, 1) == dt.date(2026, 11, 4)


def test_a_negative_number_of_working_days_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(CUP_DAY_2026, -1)


@pytest.mark.parametrize("state", ["XX", "vic", "NSW Western", ""])
def test_an_unknown_state_is_refused_with_a_clear_error(state):
    with pytest.raises(ValueError, match="Unknown state for public holidays"):
        is_working_day(CUP_DAY_2026, state=state)
    with pytest.raises(ValueError, match="expected one of VIC, NSW"):
        add_working_days(CUP_DAY_2026, 1, state=state)


def test_a_year_past_the_holiday_calendar_is_refused_rather_than_guessed():
    for day in (dt.date(2101, 1, 3), dt.date(2101, 12, 25)):  # a Monday, a Sunday
        with pytest.raises(ValueError, match="No public holiday calendar for 2101"):
            is_working_day(day)


@pytest.mark.parametrize("state", [value for value, _label in STATES])
def test_every_state_has_christmas_and_new_years_day(state):
    found = holidays_for(state, [2026, 2027])
    assert dt.date(2026, 12, 25) in found
    assert dt.date(2027, 1, 1) in found


@pytest.mark.django_db
def test_a_new_organisation_counts_victorian_holidays():
    organisation = Organisation.objects.create(name="Department of Tests", short_name="tests")
    organisation.refresh_from_db()
    assert organisation.holiday_state == "VIC"


@pytest.mark.django_db
def test_the_database_refuses_a_state_with_no_calendar(org):
    """Written past the forms (a data fix, say), an unknown state would make every due date
    and so every status change of the organisation fail: it is refused at once."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=org.pk).update(holiday_state="XX")
