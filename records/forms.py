from __future__ import annotations

from django import forms

from config.formfields import ConfirmField, IdModelMultipleChoiceField
from incidents.models import Concern


class LegalHoldForm(forms.Form):
    confirmation = (
        "While the hold stands, this concern cannot be disposed of, even when its retention "
        "period ends. Only an HR manager can release the hold, giving a reason."
    )
    reason = forms.CharField(
        label="Why must this record be held?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="For example a court proceeding, an inquiry or an access request.",
    )
    confirm = ConfirmField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_hold_%s")  # the concern page has other reasons
        super().__init__(*args, **kwargs)


class ReleaseHoldForm(forms.Form):
    reason = forms.CharField(
        label="Why can the hold be released?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_hold_%s")
        super().__init__(*args, **kwargs)


class DisposalApprovalForm(forms.Form):
    concerns = IdModelMultipleChoiceField(
        queryset=Concern.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Concerns to dispose of",
        error_messages={"required": "Choose at least one concern to dispose of."},
    )
    note = forms.CharField(
        label="Authority or reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Recorded in the disposal register, for example the disposal authority "
        "and class that allows it.",
    )

    def __init__(self, *args, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["concerns"].queryset = candidates
        self.fields["concerns"].label_from_instance = lambda concern: concern.reference
