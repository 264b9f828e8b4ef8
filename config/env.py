"""Strict readers for settings that come from the environment.

A value that is present but malformed stops start-up with a message that names
the variable and says what was expected, so a typo in a deployment file never
turns silently into a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_REQUIRED = object()
_DB_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql", "postgis"}


class Env:
    """Typed access to environment variables; every reader names the variable on error."""

    def __init__(self, environ_: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ_ is None else environ_

    def _raw(self, name: str, default: Any) -> str | None:
        value = self._environ.get(name)
        if value is None or value == "":
            if default is _REQUIRED:
                raise ImproperlyConfigured(f"{name} must be set in the environment.")
            return None
        return value

    def str(self, name: str, default: Any = _REQUIRED) -> str:
        value = self._raw(name, default)
        return default if value is None else value.strip()

    def bool(self, name: str, default: Any = _REQUIRED) -> bool:
        value = self._raw(name, default)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name} must be one of true/false, yes/no, on/off or 1/0; got {value!r}."
        )

    def int(self, name: str, default: Any = _REQUIRED, *, minimum: int | None = None) -> int:
        value = self._raw(name, default)
        if value is None:
            return default
        try:
            number = int(value.strip())
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
        return number

    def list(self, name: str, default: Any = _REQUIRED) -> list[str]:
        value = self._raw(name, default)
        if value is None:
            return list(default)
        items = [item.strip() for item in value.split(",")]
        if any(not item for item in items):
            raise ImproperlyConfigured(
                f"{name} must be a comma-separated list without empty items; got {value!r}."
            )
        return items

    def url(self, name: str, default: Any = _REQUIRED, *, schemes: set[str]) -> str:
        value = self._raw(name, default)
        if value is None:
            return default
        parts = urlsplit(value.strip())
        if parts.scheme not in schemes:
            allowed = ", ".join(sorted(schemes))
            raise ImproperlyConfigured(
                f"{name} must be a URL starting with one of: {allowed}; got {value!r}."
            )
        return value.strip()

    def database(self, name: str, default: str) -> dict[str, Any]:
        url = self.url(name, default, schemes=_DB_SCHEMES)
        parts = urlsplit(url)
        if parts.scheme != "sqlite" and not (parts.hostname and parts.path.strip("/")):
            raise ImproperlyConfigured(
                f"{name} must name a host and a database, e.g. "
                f"postgres://user:password@127.0.0.1:5432/conduct; got {url!r}."
            )
        try:
            config = environ.Env.db_url_config(url)
        except Exception as exc:  # the parser raises several types; report one clear error
            raise ImproperlyConfigured(
                f"{name} could not be read as a database URL: {exc}"
            ) from exc
        return config
