"""Web pages for API tokens (list, make, revoke) and the API's human documentation."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import Refused
from config.formfields import DateInput, IdModelChoiceField

from . import permissions, tokens
from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=100, help_text="What it is for, for example “Power BI monthly”."
    )
    scope = forms.ChoiceField(
        label="Scope",
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text="Read only is enough to pull figures. Read and write can change concerns.",
    )
    expires_on = forms.DateField(label="Expires on", widget=DateInput())
    service = IdModelChoiceField(
        label="For",
        queryset=None,
        required=False,
        empty_label="Me (a personal token)",
        help_text=(
            "A token for a service identity lets that system do what its roles allow, "
            "and never more than you may do yourself. It stops working if you lose any "
            "of its roles or leave the organisation."
        ),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        services = permissions.service_identities_for(actor)
        if services.exists():
            self.fields["service"].queryset = services
            self.fields["service"].label_from_instance = lambda u: (
                f"{u.display_name} (service identity)"
            )
        else:
            del self.fields["service"]
        days = tokens.max_lifetime().days
        self.fields["expires_on"].help_text = f"At most {days} days from today."
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=min(days, 90))

    def clean(self):
        cleaned = super().clean()
        if "user" in self.data:  # the old "Acts as" choice, from a page open since
            raise forms.ValidationError(tokens.REFUSED_HOLDER)
        return cleaned

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value <= today:
            raise forms.ValidationError("Choose a date after today.")
        if value > today + tokens.max_lifetime():
            raise forms.ValidationError(
                f"A token may last at most {tokens.max_lifetime().days} days."
            )
        return value

    def expires_at(self) -> dt.datetime:
        end = dt.datetime.combine(self.cleaned_data["expires_on"], dt.time.min)
        return min(
            timezone.make_aware(end),
            timezone.now() + tokens.max_lifetime(),
        )


def verified_session_required(view):
    """The token pages act for the signed-in person only: a session whose second factor
    was entered (MFA_REQUIRED), and never a request that also sends credentials of its
    own, whose identity would then be in doubt."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if "HTTP_AUTHORIZATION" in request.META:
            return render(request, "api/token_page_refused.html", status=400)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if settings.MFA_REQUIRED and not request.user.is_verified():
            return redirect(f"{reverse('accounts:mfa_verify')}?next={request.path}")
        if not permissions.can_hold_token(request.user):
            raise PermissionDenied("API tokens are for people who belong to an organisation.")
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
@verified_session_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            token, plaintext = tokens.token_create(
                actor=request.user,
                user=form.cleaned_data.get("service") or request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            response = render(
                request, "api/token_created.html", {"token": token, "plaintext": plaintext}
            )
            response["Cache-Control"] = "private, no-store"
            return response
    page = Paginator(permissions.tokens_visible_to(request.user), 50).get_page(
        request.GET.get("page")
    )
    status = 400 if form.is_bound else 200
    return render(
        request,
        "api/token_list.html",
        {"form": form, "page": page, "manager": permissions.is_token_manager(request.user)},
        status=status,
    )


@require_POST
@verified_session_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = tokens.token_revoke(
        token=permissions.get_token_for_user(request.user, pk), actor=request.user
    )
    messages.success(request, f"Revoked “{token.name}” ({token.display_prefix}…).")
    return redirect("api:tokens")


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    """How to use the API, in plain words; the reference is generated from the schema."""
    return render(
        request,
        "api/docs.html",
        {"max_days": tokens.max_lifetime().days},
    )
