from django.urls import path

from config import converters  # noqa: F401  (registers the <id:> path converter)

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.import_upload, name="upload"),
    path("template.<str:fmt>", views.import_template, name="template"),
    path("<id:pk>/", views.batch_detail, name="batch"),
    path("<id:pk>/confirm/", views.batch_confirm, name="confirm"),
]
