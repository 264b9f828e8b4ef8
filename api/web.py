"""Web pages for API tokens (list, make, revoke) and the API's human documentation."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.formfields import DateInput, IdModelChoiceField
from incidents import permissions

from . import tokens
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
    user = IdModelChoiceField(label="Acts as", queryset=None, required=False, empty_label="Me")

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        holders = permissions.token_holders_for(actor)
        if permissions.is_token_manager(actor):
            self.fields["user"].queryset = holders
            self.fields["user"].label_from_instance = lambda u: f"{u.display_name} ({u.username})"
            self.fields[
                "user"
            ].help_text = "The token can do what this person may do, nothing more."
        else:
            del self.fields["user"]
        days = tokens.max_lifetime().days
        self.fields["expires_on"].help_text = f"At most {days} days from today."
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=min(days, 90))

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


def _require_holder(request: HttpRequest) -> None:
    if not permissions.can_hold_token(request.user):
        raise PermissionDenied("API tokens are for people who belong to an organisation.")


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    _require_holder(request)
    form = TokenForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            token, plaintext = tokens.token_create(
                actor=request.user,
                user=form.cleaned_data.get("user") or request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
        except tokens.TokenRefused as exc:
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


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require_holder(request)
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
