"""The coordinator's forms for a possible public interest disclosure's steps."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from config.formfields import DateInput, IdModelChoiceField
from incidents.models import CaseDocument, PidAssessment, WelfareFor


def _not_in_future(value):
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError("This date is in the future: record a step once it is done.")
    return value


class StepForm(forms.Form):
    """A dated step with an optional case document of the concern's own."""

    date_field = "done_on"
    document = IdModelChoiceField(
        label="Case document (optional)",
        queryset=CaseDocument.objects.none(),
        required=False,
        empty_label="None",
        help_text="Attach the document first, under Evidence and documents on the concern.",
    )

    def __init__(self, *args, concern, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.key}_%s")
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = CaseDocument.objects.filter(concern=concern)

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField) and name in cleaned:
                try:
                    _not_in_future(cleaned[name])
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return cleaned


class AssessmentForm(StepForm):
    key = "assessment"
    title = "Record the assessment"
    received_on = forms.DateField(
        label="Disclosure received on",
        widget=DateInput,
        help_text="The clocks count from the day after this one.",
    )
    assessment = forms.ChoiceField(
        label="Your assessment", choices=PidAssessment.choices, widget=forms.RadioSelect
    )
    assessed_on = forms.DateField(label="Assessed on", widget=DateInput)
    field_order = ["received_on", "assessment", "assessed_on", "document"]


class IbacForm(StepForm):
    key = "ibac"
    title = "Record the notification to IBAC"
    notified_on = forms.DateField(label="IBAC notified on", widget=DateInput)
    field_order = ["notified_on", "document"]


class AdviceForm(StepForm):
    key = "advice"
    title = "Record what the discloser was told"
    advised_on = forms.DateField(label="Discloser told on", widget=DateInput)
    field_order = ["advised_on", "document"]


class OptOutForm(StepForm):
    key = "opt-out"
    title = "Record the discloser's written statement"
    received_on = forms.DateField(label="Statement received on", widget=DateInput)
    field_order = ["received_on", "document"]


class WelfareContactForm(forms.Form):
    for_whom = forms.ChoiceField(
        label="Welfare contact for", choices=WelfareFor.choices, widget=forms.RadioSelect
    )
    contact = IdModelChoiceField(
        label="Person",
        queryset=get_user_model().objects.none(),
        help_text="Naming someone gives them no access to this concern.",
    )

    def __init__(self, *args, concern, **kwargs):
        kwargs.setdefault("auto_id", "id_welfare_%s")
        super().__init__(*args, **kwargs)
        people = (
            get_user_model()
            .objects.filter(
                organisation_id=concern.organisation_id, is_active=True, is_service_identity=False
            )
            .exclude(pk=concern.reporter_id)
        )
        if concern.subject is not None and concern.subject.user_id:
            people = people.exclude(pk=concern.subject.user_id)
        self.fields["contact"].queryset = people.order_by("first_name", "last_name", "username")
        self.fields["contact"].label_from_instance = lambda person: person.display_name


STEP_FORMS: dict[str, type[StepForm]] = {
    form.key: form for form in (AssessmentForm, IbacForm, AdviceForm, OptOutForm)
}
