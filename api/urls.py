from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import converters  # noqa: F401  (registers the <id:> path converter)

from . import token_views, views, web
from .errors import not_found

app_name = "api"

urlpatterns = [
    # Documentation and the schema (public: they describe, they hold no data).
    path("", web.docs, name="docs"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "schema/reference/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/reference.html"
        ),
        name="reference",
    ),
    # Token pages in the web application.
    path("tokens/", web.token_list, name="tokens"),
    path("tokens/<id:pk>/revoke/", web.token_revoke, name="token_revoke"),
    # Version 1.
    path("v1/sections/", views.SectionList.as_view(), name="sections"),
    path("v1/platforms/", views.PlatformList.as_view(), name="platforms"),
    path("v1/concerns/", views.ConcernList.as_view(), name="concerns"),
    path("v1/concerns/mine/", views.MyConcernList.as_view(), name="concerns_mine"),
    path("v1/concerns/<id:pk>/", views.ConcernDetail.as_view(), name="concern"),
    path("v1/concerns/<id:pk>/actions/", views.ConcernActions.as_view(), name="concern_actions"),
    path(
        "v1/concerns/<id:pk>/actions/<slug:action>/",
        views.ConcernAct.as_view(),
        name="concern_act",
    ),
    path("v1/concerns/<id:pk>/triage/", views.ConcernTriage.as_view(), name="concern_triage"),
    path("v1/concerns/<id:pk>/assign/", views.ConcernAssign.as_view(), name="concern_assign"),
    path("v1/concerns/<id:pk>/fairness/", views.ConcernFairness.as_view(), name="concern_fairness"),
    path("v1/concerns/<id:pk>/findings/", views.ConcernFindings.as_view(), name="concern_findings"),
    path("v1/concerns/<id:pk>/notes/", views.ConcernNotes.as_view(), name="concern_notes"),
    path("v1/concerns/<id:pk>/evidence/", views.ConcernEvidence.as_view(), name="concern_evidence"),
    path(
        "v1/concerns/<id:pk>/evidence/<id:evidence_pk>/",
        views.EvidenceDownload.as_view(),
        name="evidence_download",
    ),
    path("v1/reports/", views.ReportList.as_view(), name="reports"),
    path("v1/reports/<slug:key>/", views.ReportPanel.as_view(), name="report_panel"),
    path("v1/tokens/", token_views.TokenList.as_view(), name="api_tokens"),
    path("v1/tokens/<id:pk>/", token_views.TokenDetail.as_view(), name="api_token"),
    re_path(r"^v1/.*$", not_found),
]
