from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .forms import SignInForm
from .models import Role
from .navigation import places_for


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out.")
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role_labels = [Role(role).label for role in sorted(request.user.roles)]
    return render(
        request,
        "accounts/home.html",
        {"places": places_for(request.user), "role_labels": role_labels},
    )
