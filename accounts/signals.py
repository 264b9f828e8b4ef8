"""Record sign-in activity as security events.

These handlers only write an audit row; no business flow depends on them.
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .middleware import start_session_clock
from .models import SecurityEvent


def _ip(request) -> str | None:
    if request is None:
        return None
    try:
        return get_client_ip_address(request)
    except Exception:  # an odd proxy header must not break signing in
        return request.META.get("REMOTE_ADDR")


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start_session_clock(request.session)
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.SIGNED_IN,
        username=user.get_username(),
        user=user,
        ip_address=_ip(request),
    )


@receiver(user_logged_out)
def record_sign_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        SecurityEvent.objects.create(
            kind=SecurityEvent.Kind.SIGNED_OUT,
            username=user.get_username(),
            user=user,
            ip_address=_ip(request),
        )


@receiver(user_login_failed)
def record_failure(sender, credentials, request=None, **kwargs) -> None:
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.SIGN_IN_FAILED,
        username=str(credentials.get("username", ""))[:150],
        ip_address=_ip(request),
    )


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs) -> None:
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.LOCKED_OUT,
        username=str(username or "")[:150],
        ip_address=ip_address,
    )
