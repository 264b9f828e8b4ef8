from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.views import home
from config import health

admin.site.site_header = "Social Media Conduct Tracker administration"
admin.site.site_title = "Conduct Tracker admin"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("accounts/passkeys/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path("guidance/", include("guidance.urls")),
    path("concerns/", include("incidents.urls")),
    path("reports/", include("reporting.urls")),
    path("records/", include("records.urls")),
    path("imports/", include("imports.urls")),
    path("api/", include("api.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    # Liveness for the load balancer (the process and its database) and a detailed
    # status (cache, broker, storage: "degraded" is still 200); see config/health.py.
    path("health/", health.liveness, name="health"),
    path("health/status/", health.status, name="health_status"),
]
