"""A database that cannot be reached answers 503 with Retry-After, not a 500.

While PostgreSQL restarts (or a connection pool is exhausted) every request that needs
the database fails with OperationalError or InterfaceError. That is not a bug in the
page; the person should simply try again in a moment, and a load balancer or API client
should be told so. This middleware turns those errors into 503 with a Retry-After
header: templates/503.html for pages, the API's error shape for /api/.

It sits near the top of MIDDLEWARE so that it also covers errors raised by the
middleware below it (the session and the signed-in user are read from the database).
Django turns an exception in a middleware into a 500 response before an outer
middleware sees it, so such errors are noted by a `got_request_exception` receiver and
the 500 is replaced here. Errors raised by a view arrive through `process_exception`.
The 503 page is rendered without the request, so no context processor touches the
database.

RefusedMiddleware, below, gives a refusal that no view caught its 409 page.
"""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from config.errors import Refused

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
MESSAGE = "The service is briefly unavailable. Please try again in a moment."
_MARK = "_database_unavailable"


def unavailable_response(request) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        from api.errors import payload

        response = JsonResponse(payload("unavailable", MESSAGE), status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": MESSAGE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


@receiver(got_request_exception, dispatch_uid="config.middleware.note_database_error")
def note_database_error(sender, request=None, **kwargs) -> None:
    """Mark a request whose unhandled exception is a database connection error."""
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        setattr(request, _MARK, True)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _MARK, False):
            return unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning(
                "Database unavailable, answering 503 for %s: %s", request.path_info, exception
            )
            return unavailable_response(request)
        return None


class RefusedMiddleware:
    """A refusal no view caught answers with its message on a page (409), never a 500.

    Views that re-render a form keep catching `Refused` themselves, so that what the
    person typed is kept next to the message; this covers every other view. The API
    maps `Refused` in its own exception handler (api/errors.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Refused):
            logger.info("Refused at %s: %s", request.path, exception.message)
            context = {"message": exception.message}
            return render(request, "409.html", context, status=exception.status)
        return None
