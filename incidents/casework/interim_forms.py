"""The concern page's forms for interim measures (incidents.casework.interim)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from config.formfields import DateInput
from incidents.casework.forms import CaseForm
from incidents.models import InterimMeasureKind

MAX_REASON = 2000
TOO_LONG = {
    "max_length": "Please keep this under %(limit_value)d characters (it is %(show_value)d)."
}
# A review date further off than this is a typing slip (or no review at all).
LONGEST_REVIEW = dt.timedelta(days=366)


class InterimMeasureForm(CaseForm):
    key = "interim"
    kind = forms.ChoiceField(
        label="Interim measure",
        choices=InterimMeasureKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the measure, or record that none is needed."},
    )
    other = forms.CharField(
        label="If other, what is it?",
        required=False,
        max_length=200,
        error_messages=TOO_LONG,
    )
    reason = forms.CharField(
        label="Why (or why none is needed)",
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={**TOO_LONG, "required": "Give the reason for this decision."},
        help_text="Keep it to the facts the decision rests on, such as the risk of the post "
        "staying up or of the employee acting for the organisation online meanwhile.",
    )
    starts_on = forms.DateField(
        label="Starts on",
        widget=DateInput(),
        error_messages={
            "required": "Give the date it starts (or the date of the decision).",
            "invalid": "Enter a date, for example 14/03/2026.",
        },
    )
    review_on = forms.DateField(
        label="Review by (needed unless none is needed)",
        required=False,
        widget=DateInput(),
        help_text="You and the HR manager are reminded once this date has passed.",
        error_messages={"invalid": "Enter a date, for example 14/03/2026."},
    )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        starts = cleaned.get("starts_on")
        review = cleaned.get("review_on")
        today = timezone.localdate()
        if kind == InterimMeasureKind.OTHER and not (cleaned.get("other") or "").strip():
            self.add_error("other", "Say what the measure is.")
        if kind and kind != InterimMeasureKind.NONE and review is None:
            self.add_error("review_on", "Give a date to review the measure by.")
        if starts and starts > today + dt.timedelta(days=31):
            self.add_error("starts_on", "The start date is more than a month away: check it.")
        if starts and review and review <= starts:
            self.add_error("review_on", "The review date must come after the start date.")
        if starts and review and review - starts > LONGEST_REVIEW:
            self.add_error("review_on", "Review it within a year of its start.")
        return cleaned


class InterimEndForm(CaseForm):
    key = "interim_end"
    measure = forms.TypedChoiceField(
        label="Measure to end",
        coerce=int,
        error_messages={"invalid_choice": "Choose one of the measures still in place."},
    )
    ended_on = forms.DateField(
        label="Ended on",
        widget=DateInput(),
        error_messages={
            "required": "Give the date it ended.",
            "invalid": "Enter a date, for example 14/03/2026.",
        },
    )
    end_reason = forms.CharField(
        label="Why it ended",
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={**TOO_LONG, "required": "Give the reason it ended."},
    )

    def __init__(self, *args, active, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [
            (item.pk, f"{item.label} (from {item.starts_on:%-d %b %Y})") for item in active
        ]
        if len(active) == 1 and not self.is_bound:
            self.initial.setdefault("measure", active[0].pk)

    def clean_ended_on(self):
        value = self.cleaned_data.get("ended_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The end date can't be in the future.")
        return value
