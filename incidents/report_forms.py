from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import BusinessUnit, Organisation
from config.formfields import DateInput, IdModelChoiceField, add_bootstrap_classes
from guidance.models import CodeSection, PlatformCategory
from guidance.selectors import current_sections

from .reports import ReportFilters


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(label="Submitted from", required=False, widget=DateInput())
    date_to = forms.DateField(label="Submitted to", required=False, widget=DateInput())
    unit = IdModelChoiceField(
        label="Business unit",
        queryset=BusinessUnit.objects.none(),
        required=False,
        empty_label="All business units",
    )
    section = IdModelChoiceField(
        label="Code section",
        queryset=CodeSection.objects.none(),
        required=False,
        empty_label="All sections",
    )
    platform = IdModelChoiceField(
        label="Platform",
        queryset=PlatformCategory.objects.none(),
        required=False,
        empty_label="All platforms",
    )
    organisation = IdModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Whole sector",
    )

    def __init__(self, *args, organisation_ids, sector: bool, **kwargs):
        super().__init__(*args, **kwargs)
        units = BusinessUnit.objects.select_related("organisation")
        if organisation_ids is not None:
            units = units.filter(organisation_id__in=organisation_ids)
        self.fields["unit"].queryset = units
        self.fields["section"].queryset = current_sections()
        self.fields["platform"].queryset = PlatformCategory.objects.filter(is_active=True)
        if sector:
            self.fields["organisation"].queryset = Organisation.objects.all()
        else:
            del self.fields["organisation"]
        add_bootstrap_classes(self)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise ValidationError("The start date is after the end date.")
        return cleaned

    def report_filters(self) -> ReportFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return ReportFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            business_unit_id=data["unit"].pk if data.get("unit") else None,
            section_id=data["section"].pk if data.get("section") else None,
            platform_id=data["platform"].pk if data.get("platform") else None,
        )

    def organisation_id(self) -> int | None:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        organisation = data.get("organisation")
        return organisation.pk if organisation else None
