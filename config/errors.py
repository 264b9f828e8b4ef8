"""The one domain error for "refused, with a message for the person".

A service raises `Refused` when the rules do not allow what was asked: the workflow table,
a version someone else changed first, a retention rule, an import that cannot go ahead,
a token that cannot be made. The message is written for the person and is shown as it is.

It is mapped once for the web (config.middleware.RefusedMiddleware: a 409 page) and once
for the API (api.errors.exception_handler: the error shape). A view that re-renders a
form with the message next to what was typed still catches it itself.
"""

from __future__ import annotations


class Refused(Exception):
    """The rules do not allow it; `message` says why, in words the person can act on.

    `status` is the HTTP status the refusal answers with when nothing catches it: 409 by
    default; 400 where the API has always called it refused input (making a token).
    """

    def __init__(self, message: str, *, status: int = 409):
        super().__init__(message)
        self.message = message
        self.status = status
