from django.urls import path

from config import converters  # noqa: F401  (registers the <id:> path converter)

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.reports_dashboard, name="dashboard"),
    path("export/<slug:key>.<slug:fmt>", views.reports_export, name="export"),
    path("exports/", views.export_job_create, name="export_job_create"),
    path("exports/<id:pk>/", views.export_job_status, name="export_job"),
    path("exports/<id:pk>/download/", views.export_job_download, name="export_job_download"),
]
