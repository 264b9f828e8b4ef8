"""Concern addresses, grouped by the room that answers them."""

from django.urls import path

from config import converters  # noqa: F401  (registers the <id:> path converter)

from .casefile import views as casefile
from .casework.views import case, interim, matters, people, queue, review
from .disclosures import views as disclosures
from .documents import views as documents
from .evidence import views as evidence
from .intake import views as intake
from .letters import views as letters
from .reporter import views as reporter

app_name = "incidents"

urlpatterns = [
    # Intake: the person who logs a concern
    path("mine/", reporter.my_concerns, name="mine"),
    path("new/", intake.concern_create, name="create"),
    path("suggest-sections/", intake.suggest_sections, name="suggest_sections"),
    path("use-context/", intake.use_context_helper, name="use_context"),
    path("<id:pk>/edit/", intake.concern_edit, name="edit"),
    path("<id:pk>/review/", intake.concern_review, name="review"),
    path("<id:pk>/submit/", intake.concern_submit, name="submit"),
    path("<id:pk>/evidence/", intake.evidence_upload, name="evidence_upload"),
    # The reporter's side after submitting, and HR's questions to them
    path("<id:pk>/add/", reporter.add_information, name="add_information"),
    path(
        "<id:pk>/questions/<id:question_pk>/answer/",
        reporter.answer_question,
        name="answer_question",
    ),
    path("<id:pk>/discard/", reporter.discard_draft, name="discard_draft"),
    path("<id:pk>/questions/", reporter.ask_question, name="ask_reporter"),
    # Evidence
    path(
        "<id:pk>/evidence/<id:evidence_pk>/", evidence.evidence_download, name="evidence_download"
    ),
    path(
        "<id:pk>/evidence/<id:evidence_pk>/preview/",
        evidence.evidence_preview,
        name="evidence_preview",
    ),
    path(
        "<id:pk>/evidence/<id:evidence_pk>/preview.png",
        evidence.evidence_preview_image,
        name="evidence_preview_image",
    ),
    # Case documents (HR)
    path("<id:pk>/documents/", documents.document_add, name="document_add"),
    path(
        "<id:pk>/documents/<id:document_pk>/",
        documents.document_download,
        name="document_download",
    ),
    path(
        "<id:pk>/documents/<id:document_pk>/preview/",
        documents.document_preview,
        name="document_preview",
    ),
    path(
        "<id:pk>/documents/<id:document_pk>/preview.png",
        documents.document_preview_image,
        name="document_preview_image",
    ),
    # The case file (HR): a PDF of the record, built in the background
    path("<id:pk>/case-file/", casefile.case_file_new, name="case_file_new"),
    path("<id:pk>/case-file/<id:job_pk>/", casefile.case_file_job, name="case_file_job"),
    path(
        "<id:pk>/case-file/<id:job_pk>/download/",
        casefile.case_file_download,
        name="case_file_download",
    ),
    # Casework: HR's queue and the case page
    path("", queue.concern_list, name="list"),
    path("assign/", queue.bulk_assign, name="bulk_assign"),
    path("<id:pk>/", case.concern_detail, name="detail"),
    path("<id:pk>/forms/<slug:slug>/", case.concern_panel, name="panel"),
    path("<id:pk>/act/<slug:action>/", case.act, name="act"),
    path("<id:pk>/triage/", case.triage, name="triage"),
    path("<id:pk>/assign/", case.assign, name="assign"),
    path("<id:pk>/step-aside/", case.step_aside, name="step_aside"),
    path("<id:pk>/reporting-line/", case.reporting_line, name="reporting_line"),
    path("<id:pk>/fairness/", case.fairness, name="fairness"),
    path("<id:pk>/findings/", case.findings, name="findings"),
    path("<id:pk>/notes/", case.add_note, name="add_note"),
    path("<id:pk>/restrict/", case.restrict, name="restrict"),
    # Issue 19: review of an outcome
    path("<id:pk>/review/request/", review.review_request, name="review_request"),
    path("<id:pk>/review/result/", review.review_decide, name="review_decide"),
    path("<id:pk>/access-log/", case.access_log, name="access_log"),
    path("<id:pk>/matter/link/", matters.link_matter, name="link_matter"),
    path("<id:pk>/matter/unlink/", matters.unlink_matter, name="unlink_matter"),
    path("<id:pk>/timeline/", case.concern_timeline, name="timeline"),
    path("people/<id:person_pk>/export/", people.person_export, name="person_export"),
    # Possible public interest disclosures: the coordinator's steps and clocks
    path("<id:pk>/disclosure/", disclosures.disclosure, name="disclosure"),
    path("<id:pk>/disclosure/<slug:step>/", disclosures.disclosure_step, name="disclosure_step"),
    path("<id:pk>/welfare-contacts/", disclosures.welfare_contact_add, name="welfare_contact_add"),
    # Interim measures during an investigation (issue 19)
    path("<id:pk>/interim/", interim.interim_record, name="interim_record"),
    path("<id:pk>/interim/end/", interim.interim_end, name="interim_end"),
    # Letters from templates (HR)
    path("<id:pk>/letters/", letters.letters, name="letters"),
    path("<id:pk>/letters/new/<slug:kind>/", letters.letter_draft, name="letter_draft"),
    path("<id:pk>/letters/<id:letter_pk>/", letters.letter_detail, name="letter"),
    path("<id:pk>/letters/<id:letter_pk>/save/", letters.letter_save, name="letter_save"),
    path("<id:pk>/letters/<id:letter_pk>/issue/", letters.letter_issue, name="letter_issue"),
]
