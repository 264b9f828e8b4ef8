from django.urls import path

from .views import concerns, intake

app_name = "incidents"

urlpatterns = [
    path("", concerns.concern_list, name="list"),
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
]
