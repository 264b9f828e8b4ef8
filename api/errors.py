"""Every API error has one shape:

    {"error": {"code": "not_found", "message": "No such concern.", "fields": {}}}

`message` is written for a person; `fields` maps an input name to what is wrong with it
(`non_field_errors` for the request as a whole).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from config.errors import Refused

DEFAULT_MESSAGES = {
    400: "The request could not be used. See the fields for what to change.",
    401: "Sign in, or send an API token as 'Authorization: Bearer <token>'.",
    403: "You are not allowed to do this.",
    404: "Not found, or you may not see it.",
    405: "This address does not accept that method.",
    406: "This API answers in JSON only.",
    415: "Send JSON (or multipart form data for a file upload).",
    429: "Too many requests. Wait a minute and try again.",
}


def payload(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list | tuple):
        return [m for item in detail for m in _flatten(item)]
    return [str(detail)]


def _fields(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    return {"non_field_errors": _flatten(detail)}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        message = str(exc) if exc.args else DEFAULT_MESSAGES[404]
        exc = exceptions.NotFound(message)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) if exc.args else DEFAULT_MESSAGES[403])
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Refused):
        # 409 "refused" (the workflow, a version changed first); a refusal that answers
        # 400 is refused input, shown as the request's whole-input error.
        set_rollback()
        if exc.status == status.HTTP_400_BAD_REQUEST:
            body = payload("invalid", exc.message, {"non_field_errors": [exc.message]})
        else:
            body = payload("refused", exc.message)
        return Response(body, status=exc.status)

    if not isinstance(exc, exceptions.APIException):
        return None

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    code = exc.get_codes() if not isinstance(exc.detail, dict | list) else None
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        messages = [m for values in fields.values() for m in values]
        message = messages[0] if len(messages) == 1 else DEFAULT_MESSAGES[400]
        body = payload("invalid", message, fields)
    elif isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 60)
        lead = getattr(
            exc,
            "lead",
            "Too many requests from this account (all its tokens count together).",
        )
        body = payload("throttled", f"{lead} Try again in {wait} seconds.")
    else:
        message = " ".join(_flatten(exc.detail)) or DEFAULT_MESSAGES.get(exc.status_code, "")
        body = payload(str(code or exc.default_code), message)
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


@csrf_exempt
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any address under /api/ that is not an endpoint: the same JSON shape."""
    return JsonResponse(
        payload("not_found", "There is no API endpoint at this address. See /api/docs/."),
        status=404,
    )
