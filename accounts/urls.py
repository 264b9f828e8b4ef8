from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("two-step/set-up/", views.mfa_setup, name="mfa_setup"),
    path("two-step/", views.mfa_verify, name="mfa_verify"),
    path("access-changes/", views.access_changes, name="access_changes"),
    path("sso/<slug:short_name>/", views.sso_start, name="sso_start"),
    path("sso/<slug:short_name>/callback/", views.sso_callback, name="sso_callback"),
]
