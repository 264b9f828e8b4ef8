from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import BusinessUnit, Organisation
from config.formfields import DateInput, IdModelChoiceField, add_bootstrap_classes
from guidance.models import CodeSection, PlatformCategory
from guidance.selectors import current_sections

from .queries import ReportFilters, describe_period, whole_months


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

    def __init__(
        self, *args, organisation_ids, sector: bool, group_filters: bool = False, **kwargs
    ):
        """`group_filters`: whether the business unit, section and platform filters are
        offered (`reporting.permissions.can_filter_within`). Without them a view is narrowed
        by whole months and organisation only, which the suppression protects against
        differencing; anything else in the query is ignored."""
        super().__init__(*args, **kwargs)
        if not group_filters:
            for name in ("unit", "section", "platform"):
                del self.fields[name]
            if sector:
                self.fields["organisation"].queryset = Organisation.objects.all()
            else:
                del self.fields["organisation"]
            add_bootstrap_classes(self)
            return
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
            self.add_error(
                "date_to",
                ValidationError(
                    "The start date is after the end date. Choose an end date on or after "
                    "the start date."
                ),
            )
        return cleaned

    def _data(self) -> dict:
        return self.cleaned_data if self.is_bound and self.is_valid() else {}

    def period(self) -> tuple:
        """(asked from, asked to, used from, used to): reports cover whole months."""
        data = self._data()
        asked = data.get("date_from"), data.get("date_to")
        return (*asked, *whole_months(*asked))

    def period_sentence(self) -> str:
        asked_from, asked_to, used_from, used_to = self.period()
        return describe_period(used_from, used_to, asked_from=asked_from, asked_to=asked_to)

    def report_filters(self) -> ReportFilters:
        """The filters, with the dates widened to whole months (see `whole_months`)."""
        data = self._data()
        _, _, used_from, used_to = self.period()
        return ReportFilters(
            date_from=used_from,
            date_to=used_to,
            business_unit_id=data["unit"].pk if data.get("unit") else None,
            section_id=data["section"].pk if data.get("section") else None,
            platform_id=data["platform"].pk if data.get("platform") else None,
        )

    def organisation_id(self) -> int | None:
        data = self._data()
        organisation = data.get("organisation")
        return organisation.pk if organisation else None
