from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("disposal/", views.disposal_list, name="disposal"),
    path("disposal/approve/", views.disposal_approve, name="approve"),
    path("register/", views.disposal_register, name="register"),
    path("concerns/<int:pk>/hold/", views.hold_place, name="hold_place"),
    path("concerns/<int:pk>/hold/release/", views.hold_release, name="hold_release"),
]
