"""A request body as the web page's form receives it, so the API validates once, with the
page's own form, and answers with that form's messages.

A browser posts strings; a JSON client sends numbers, booleans, lists and nulls. For the
form at hand:

- a string is kept, a number becomes its text, and null counts as not given; a
  checkbox takes what DRF reads as true or false (true, false, 1, 0, "yes", "off"...)
  and refuses anything else, since the form would read any text as ticked;
- a list is kept for a field that takes several values (sections) and refused for one
  that takes a single value; a single value for a field that takes several is a list
  of one, as a browser sends it;
- a field left out that the page always posts with a value chosen in advance (a required
  choice with an initial value, such as use_context) takes that value, as the page would
  post it;
- multipart data (a file upload) is read the same way, files apart: a field repeated
  is a list, refused for a field that takes one value.

Only the shape is translated here; every rule is the form's.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from rest_framework.exceptions import ValidationError

ONE_VALUE = "Give one value here, not a list or an object."
SEVERAL_VALUES = "Give a list of values (numbers or text)."


def body_object(data) -> Mapping:
    """The request body, which must be an object (as for any serializer)."""
    if not isinstance(data, Mapping):
        message = f"Invalid data. Expected a dictionary, but got {type(data).__name__}."
        raise ValidationError({"non_field_errors": [message]})
    return data


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _takes_several(field: forms.Field) -> bool:
    return getattr(field.widget, "allow_multiple_selected", False)


# What a client may send for a checkbox, as DRF's BooleanField reads it. A browser
# sends nothing for an unticked box, so the form would read any text as ticked.
FALSE_TEXTS = {"false", "f", "0", "no", "n", "off", ""}
TRUE_TEXTS = {"true", "t", "1", "yes", "y", "on"}
NOT_A_BOOLEAN = "Give true or false."


def _one(field: forms.Field, value) -> str:
    text = _text(value)
    if isinstance(field.widget, forms.CheckboxInput):
        lowered = text.strip().lower()
        if lowered in FALSE_TEXTS:
            return "false"
        if lowered in TRUE_TEXTS:
            return "true"
        raise ValidationError(NOT_A_BOOLEAN)
    return text


def form_data(form: forms.BaseForm, data) -> MultiValueDict:
    """`data` (a parsed JSON object or multipart data) as `form` would be posted it."""
    if isinstance(data, QueryDict):  # multipart: a repeated field is a list, files apart
        data = {
            key: texts[0] if len(texts) == 1 else texts
            for key, values in data.lists()
            if (texts := [value for value in values if isinstance(value, str)])
        }
    posted = MultiValueDict()
    problems = {}
    for key, value in body_object(data).items():
        field = form.fields.get(key)
        if field is None or value is None:
            continue  # the form reads only its own fields; null is not given
        several = _takes_several(field)
        if isinstance(value, Mapping):
            problems[key] = [SEVERAL_VALUES if several else ONE_VALUE]
        elif isinstance(value, list | tuple):
            if not several:
                problems[key] = [ONE_VALUE]
            elif any(isinstance(item, Mapping | list | tuple) for item in value):
                problems[key] = [SEVERAL_VALUES]
            else:
                posted.setlist(key, [_text(item) for item in value if item is not None])
        else:
            try:
                posted.setlist(key, [_one(field, value)])
            except ValidationError:
                problems[key] = [NOT_A_BOOLEAN]
    if problems:
        raise ValidationError(problems)
    for name, field in form.fields.items():
        initial = form.get_initial_for_field(field, name)
        if field.required and initial not in (None, "") and not posted.getlist(name):
            posted.setlist(name, [_text(initial)])
    return posted


def bind(form_class: type[forms.BaseForm], data, *, files=None, **kwargs) -> forms.BaseForm:
    """The page's form, bound to the request's data (and files) translated as above."""
    unbound = form_class(**kwargs)
    return form_class(form_data(unbound, data), files, **kwargs)
