"""The form HR choose a case file's purpose and what to leave out with."""

from __future__ import annotations

from django import forms

from .options import (
    DISCLOSURE,
    HOW,
    LEAVE_OUT,
    MAX_EXTRA_NAMES,
    PURPOSES,
    REPORTER,
    THIRD_PARTIES,
    CaseFileOptions,
)


class CaseFileForm(forms.Form):
    purpose = forms.ChoiceField(
        label="What is it for?",
        choices=list(PURPOSES.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the case file is for."},
    )
    purpose_other = forms.CharField(
        label="If other, what for?",
        required=False,
        max_length=200,
        help_text="A few words, shown on the cover page.",
    )
    leave_out = forms.MultipleChoiceField(
        label="Leave out",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    extra_names = forms.CharField(
        label="Other names to leave out (one a line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "People the app does not know, such as someone who commented on the post. "
            "Used only with \u201cnamed third parties\u201d; not kept in the event record."
        ),
    )

    def __init__(self, *args, concern, **kwargs):
        super().__init__(*args, **kwargs)
        keys = [key for key in LEAVE_OUT if key != DISCLOSURE or concern.restricted]
        self.fields["leave_out"].choices = [
            (key, f"{LEAVE_OUT[key][0].upper()}{LEAVE_OUT[key][1:]}: {HOW[key]}") for key in keys
        ]
        if not self.is_bound:
            self.initial.setdefault(
                "leave_out", [REPORTER, DISCLOSURE] if concern.restricted else [REPORTER]
            )

    def clean_extra_names(self) -> list[str]:
        names = [" ".join(line.split()) for line in self.cleaned_data["extra_names"].splitlines()]
        names = [name for name in names if name]
        if len(names) > MAX_EXTRA_NAMES:
            raise forms.ValidationError(f"List at most {MAX_EXTRA_NAMES} names.")
        if any(len(name) > 200 for name in names):
            raise forms.ValidationError("Each name can be at most 200 characters long.")
        if any(len(name) < 3 for name in names):
            raise forms.ValidationError("Each name needs at least three letters.")
        return names

    def clean(self):
        data = super().clean()
        if data.get("purpose") == "other" and not (data.get("purpose_other") or "").strip():
            self.add_error("purpose_other", "Say in a few words what the case file is for.")
        if data.get("extra_names") and THIRD_PARTIES not in (data.get("leave_out") or []):
            self.add_error(
                "extra_names",
                "Tick \u201cnamed third parties\u201d to leave these names out, or clear the list.",
            )
        return data

    def options(self) -> CaseFileOptions:
        data = self.cleaned_data
        return CaseFileOptions(
            purpose=data["purpose"],
            purpose_other=(data.get("purpose_other") or "").strip()
            if data["purpose"] == "other"
            else "",
            leave_out=frozenset(data.get("leave_out") or ()),
            extra_names=tuple(data.get("extra_names") or ()),
        )
