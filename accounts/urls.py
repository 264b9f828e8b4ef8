from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("two-step/set-up/", views.mfa_setup, name="mfa_setup"),
    path("two-step/", views.mfa_verify, name="mfa_verify"),
]
