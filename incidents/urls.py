from django.urls import path

from .views import case, concerns, intake

app_name = "incidents"

urlpatterns = [
    path("", concerns.concern_list, name="list"),
    path("assign/", concerns.bulk_assign, name="bulk_assign"),
    path("mine/", concerns.my_concerns, name="mine"),
    path("new/", intake.concern_create, name="create"),
    path("suggest-sections/", intake.suggest_sections, name="suggest_sections"),
    path("use-context/", intake.use_context_helper, name="use_context"),
    path("<int:pk>/", concerns.concern_detail, name="detail"),
    path("<int:pk>/edit/", intake.concern_edit, name="edit"),
    path("<int:pk>/review/", intake.concern_review, name="review"),
    path("<int:pk>/submit/", intake.concern_submit, name="submit"),
    path("<int:pk>/evidence/", intake.evidence_upload, name="evidence_upload"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/", concerns.evidence_download, name="evidence_download"
    ),
    path("<int:pk>/act/<slug:action>/", case.act, name="act"),
    path("<int:pk>/triage/", case.triage, name="triage"),
    path("<int:pk>/assign/", case.assign, name="assign"),
    path("<int:pk>/step-aside/", case.step_aside, name="step_aside"),
    path("<int:pk>/reporting-line/", case.reporting_line, name="reporting_line"),
    path("<int:pk>/fairness/", case.fairness, name="fairness"),
    path("<int:pk>/findings/", case.findings, name="findings"),
    path("<int:pk>/notes/", case.add_note, name="add_note"),
    path("<int:pk>/restrict/", case.restrict, name="restrict"),
    path("<int:pk>/access-log/", concerns.access_log, name="access_log"),
    path("people/<int:person_pk>/export/", concerns.person_export, name="person_export"),
]
