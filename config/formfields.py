"""Model choice fields that refuse malformed ids before they reach the database.

Django's own fields pass any string to the query; an id larger than the database's
integer type then fails inside the driver (a 500). These check the shape first and
answer with the field's ordinary "invalid choice" message.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

_ID = re.compile(r"^\d{1,18}$")


def _check_id(value, field: forms.Field) -> None:
    if value in field.empty_values:
        return
    if not _ID.match(str(value).strip()):
        raise ValidationError(
            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class IdModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if not isinstance(value, self.queryset.model):
            _check_id(value, self)
        return super().to_python(value)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            try:
                _check_id(item, self)
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                ) from None
        return super()._check_values(value)


class DateInput(forms.DateInput):
    """A native date picker. Browsers need the ISO format, whatever the locale says."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def add_bootstrap_classes(form: forms.BaseForm) -> None:
    """Style the fields of a form rendered by hand (filter bars) as Bootstrap controls."""
    for field in form.fields.values():
        is_select = isinstance(field.widget, forms.Select)
        field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")


class ConfirmField(forms.BooleanField):
    """A required tick-box for an action that cannot simply be taken back.

    The form says what the action will do (its `confirmation` words, shown above the
    box); a submission without the tick is refused beside the box, and whatever else was
    typed comes back as it was.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "I understand what this will do")
        kwargs.setdefault(
            "error_messages",
            {"required": "Tick the box to confirm that you understand what this will do."},
        )
        super().__init__(required=True, **kwargs)
