import requests
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from . import mfa, oidc
from .forms import CodeForm, PersonPasswordResetForm, SignInForm
from .models import IdentityProvider, Role, SecurityEvent
from .navigation import places_for


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from .selectors import sign_in_providers

        return {**super().get_context_data(**kwargs), "providers": sign_in_providers()}


# --- Single sign-on (accounts.oidc) ------------------------------------------------------


def _active_provider(short_name: str) -> IdentityProvider:
    return get_object_or_404(
        IdentityProvider.objects.select_related("organisation"),
        organisation__short_name=short_name,
        is_active=True,
    )


@require_GET
def sso_start(request: HttpRequest, short_name: str) -> HttpResponse:
    """Send the browser to the organisation's identity provider (state, nonce, PKCE)."""
    provider = _active_provider(short_name)
    request.session["sso_next"] = _next(request)
    callback = request.build_absolute_uri(reverse("accounts:sso_callback", args=[short_name]))
    try:
        return oidc.client_for(provider).authorize_redirect(request, callback)
    except requests.RequestException:
        reason = "Your organisation's sign-in service could not be reached. Try again soon."
        return _refused(request, provider, reason, status=502)


@require_GET
def sso_callback(request: HttpRequest, short_name: str) -> HttpResponse:
    """The provider's answer: check it, find or create the person, sign them in."""
    from .services import person_sign_in_through_provider

    provider = _active_provider(short_name)
    try:
        claims = oidc.read_claims(provider, oidc.exchange_code(request, provider))
        person = person_sign_in_through_provider(provider=provider, claims=claims)
    except oidc.SignInRefused as refusal:
        return _refused(request, provider, refusal.reason)
    target = request.session.pop("sso_next", None) or reverse("home")
    login(request, person, backend="accounts.backends.IdentityProviderBackend")
    request.session[oidc.SESSION_PROVIDER] = provider.pk
    return redirect(target)


def _refused(request, provider, reason: str, *, status: int = 400) -> HttpResponse:
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.SIGN_IN_FAILED,
        username=f"({provider.organisation.short_name} sign-in service)",
        detail=reason[:200],
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    context = {"reason": reason, "provider": provider}
    return render(request, "accounts/sso_refused.html", context, status=status)


class SignOutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Always the same answer, whether or not the address is known."""

    template_name = "accounts/password_reset.html"
    form_class = PersonPasswordResetForm
    email_template_name = "emails/password_reset/body.txt"
    html_email_template_name = "emails/password_reset/body.html"
    subject_template_name = "emails/password_reset/subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Sets a new password. It never signs the person in, so the second factor still applies.

    The link works once (it depends on the old password) and for PASSWORD_RESET_TIMEOUT.
    """

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def access_changes(request: HttpRequest) -> HttpResponse:
    """The organisation's record of who was given or lost which role, and who was named
    coordinator or second approver: for its HR managers."""
    from .permissions import can_see_access_changes
    from .selectors import ACCESS_CHANGES_SHOWN
    from .selectors import access_changes as changes_of

    if not can_see_access_changes(request.user):
        raise PermissionDenied
    changes = changes_of(organisation_id=request.user.organisation_id)
    context = {"changes": changes, "shown": ACCESS_CHANGES_SHOWN}
    return render(request, "accounts/access_changes.html", context)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role_labels = [Role(role).label for role in sorted(request.user.roles)]
    return render(
        request,
        "accounts/home.html",
        {"places": places_for(request.user), "role_labels": role_labels},
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@login_required
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a second factor: an authenticator app (scan the code, then prove it works
    with one code) or a passkey; HR staff of an organisation that asks for a
    phishing-resistant factor are offered the passkey only."""
    passkey_only = mfa.needs_phishing_resistant(request.user)
    if mfa.has_passkey(request.user) or (not passkey_only and mfa.confirmed_device(request.user)):
        return redirect(f"{reverse('accounts:mfa_verify')}?next={_next(request)}")
    # Someone who has an app but must now add a passkey first confirms it is them with a
    # code (adding a passkey needs a confirmed session once a factor exists).
    app = mfa.confirmed_device(request.user) if passkey_only else None
    confirm_app_first = app is not None and not request.user.is_verified()
    if passkey_only:
        device = app if confirm_app_first else None
    else:
        device = mfa.enrolment_device(request.user)
    form = CodeForm(request.POST or None) if device is not None else None
    if request.method == "POST" and form is not None and form.is_valid():
        if mfa.verify(request, device, form.cleaned_data["code"]):
            if confirm_app_first:
                return redirect(request.get_full_path())
            messages.success(request, "Your authenticator app is set up.")
            return redirect(_next(request))
        form.add_error("code", "That code did not match. Check the app and try the new code.")
    context = {
        "form": form,
        "next": _next(request),
        "passkey_only": passkey_only,
        "confirm_app_first": confirm_app_first,
        **(mfa.setup_details(device) if device is not None and not confirm_app_first else {}),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "accounts/mfa_setup.html", context, status=status)


@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    passkey_only = mfa.needs_phishing_resistant(request.user)
    device = None if passkey_only else mfa.confirmed_device(request.user)
    has_passkey = mfa.has_passkey(request.user)
    if device is None and not has_passkey:
        return redirect(f"{reverse('accounts:mfa_setup')}?next={_next(request)}")
    form = CodeForm(request.POST or None) if device is not None else None
    if request.method == "POST" and form is not None and form.is_valid():
        if mfa.verify(request, device, form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error(
            "code",
            "That code did not match, or too many codes were tried. Wait for "
            "the next code and try again.",
        )
    context = {
        "form": form,
        "next": _next(request),
        "has_passkey": has_passkey,
        "passkey_only": passkey_only,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "accounts/mfa_verify.html", context, status=status)
