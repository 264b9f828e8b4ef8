"""How django-axes names the account in a sign-in attempt."""

from __future__ import annotations

USERNAME_MAX = 150  # the User model's username length; anything longer cannot be an account


def attempted_username(request, credentials) -> str:
    """The username tried, cut to a length the attempt tables can store.

    A sign-in form posted with a 20,000-character username must be refused like any
    other wrong username, not break the attempt log.
    """
    if credentials and credentials.get("username") is not None:
        value = credentials["username"]
    else:
        value = request.POST.get("username", "") if request is not None else ""
    return str(value)[:USERNAME_MAX]
