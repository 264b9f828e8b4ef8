from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from health_check.views import HealthCheckView

from accounts.views import home

admin.site.site_header = "Social Media Conduct Tracker administration"
admin.site.site_title = "Conduct Tracker admin"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("guidance/", include("guidance.urls")),
    path("concerns/", include("incidents.urls")),
    path("reports/", include("incidents.report_urls")),
    path("records/", include("records.urls")),
    path("imports/", include("imports.urls")),
    path("api/", include("api.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path(
        "health/",
        HealthCheckView.as_view(
            checks=[
                "health_check.checks.Database",
                "health_check.checks.Cache",
                "health_check.checks.Storage",
            ]
        ),
        name="health",
    ),
]
