from django.urls import path

from config import converters  # noqa: F401  (registers the <id:> path converter)

from . import views

app_name = "records"

urlpatterns = [
    path("disposal/", views.disposal_list, name="disposal"),
    path("disposal/approve/", views.disposal_approve, name="approve"),
    path("register/", views.disposal_register, name="register"),
    path("concerns/<id:pk>/hold/", views.hold_place, name="hold_place"),
    path("concerns/<id:pk>/hold/release/", views.hold_release, name="hold_release"),
]
