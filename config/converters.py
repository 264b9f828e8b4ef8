"""Path converters. `<id:pk>` is `<int:pk>` limited to what a database id can hold.

Django's `int` converter takes any run of digits; an id past the 64-bit range then
reaches the driver and fails there (a server error on SQLite, a wasted query on
PostgreSQL). This one does not match such a path, so it answers 404 like any other
address that does not exist: HTML for pages, the API's JSON error for the API.
"""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("out of range")  # Django treats this as "no match"
        return number

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
