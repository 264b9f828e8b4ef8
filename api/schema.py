"""Schema post-processing: every operation documents the one error shape it may answer with."""

from __future__ import annotations

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "description": "Stable code, e.g. not_found."},
                "message": {"type": "string", "description": "What to do, in plain words."},
                "fields": {
                    "type": "object",
                    "description": "Input name to what is wrong with it.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}
COMMON = {
    "400": "The input was refused; `fields` says what to change.",
    "401": "No valid session or token.",
    "403": "Signed in, but this role (or a read-only token) may not do this.",
    "404": "Not found, or not yours to see.",
    "405": "This address does not accept that method.",
    "406": "Only JSON answers are available.",
    "409": "Refused by the workflow, or someone changed the concern first.",
    "415": "Send JSON, or multipart form data for a file.",
    "429": "Too many requests: wait and try again.",
}


def add_error_responses(result, generator, request, public):
    """Add the error shape to every operation, for each status it may answer with."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in COMMON.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return result


# --- Authentication, as the schema shows it ------------------------------------------------

from drf_spectacular.extensions import OpenApiAuthenticationExtension  # noqa: E402


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ApiTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token: `Authorization: Bearer smct_…`.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.VerifiedSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        from django.conf import settings

        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
