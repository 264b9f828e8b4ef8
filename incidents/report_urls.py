from django.urls import path

from config import converters  # noqa: F401  (registers the <id:> path converter)

from .views import reports

app_name = "reports"

urlpatterns = [
    path("", reports.reports_dashboard, name="dashboard"),
    path("export/<slug:key>.<slug:fmt>", reports.reports_export, name="export"),
    path("exports/", reports.export_job_create, name="export_job_create"),
    path("exports/<id:pk>/", reports.export_job_status, name="export_job"),
    path("exports/<id:pk>/download/", reports.export_job_download, name="export_job_download"),
]
