"""The reporter's side of a submitted concern: what they sent, its status in their words,
what HR told them, HR's questions, and only the actions the rules allow them. Plus HR's
one action here: sending the reporter a question.

Each POST view is a short recipe: the permission-checked getter, the rule, a form, one
service, a redirect; or the page again with the form as typed and its error.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from config.errors import Refused
from guidance.models import UseContext
from incidents import permissions, workflow
from incidents.casework.forms import ActionForm
from incidents.letters.selectors import reporter_letters
from incidents.models import Concern, ReporterQuestion, Status

from . import selectors
from . import services as reporter
from .forms import AdditionForm, AnswerForm, DiscardForm, QuestionForm

PAGE_SIZE = 25
WITHDRAW = "action:withdraw"  # the key incidents:act gives a withdrawal's form


def reporter_actions(user, concern: Concern) -> list[workflow.Transition]:
    """The workflow actions the table allows the reporter on this concern now: only those
    (submitting a draft happens on its review page)."""
    return [
        rule
        for rule in workflow.allowed_transitions(user, concern)
        if rule.actor == "author" and rule.name != "submit" and concern.status != Status.DRAFT
    ]


def render_concern(
    request: HttpRequest,
    concern: Concern,
    *,
    bound: dict | None = None,
    status: int = 200,
    error: str | None = None,
) -> HttpResponse:
    """The reporter's page; `bound` brings one form back as typed, with `error` (a
    refusal) shown once, beside it."""
    bound = bound or {}
    user = request.user
    concern = selectors.reporter_concern(concern)
    version = {"version": concern.version}
    withdraw_form = None
    for rule in reporter_actions(user, concern):
        if rule.name == "withdraw":
            withdraw_form = bound.get(WITHDRAW) or ActionForm(
                initial=version, rule=rule, on_page=True
            )
    can_add = permissions.can_add_further_information(user, concern)
    can_answer = permissions.can_answer_questions(user, concern)
    questions = [
        {
            "question": question,
            "form": (
                bound.get(f"answer:{question.pk}") or AnswerForm(prefix=f"q{question.pk}")
                if can_answer and not question.is_answered
                else None
            ),
        }
        for question in concern.questions.all()
    ]
    additions = list(concern.additions.all())
    files = [*concern.submitted_evidence, *(f for a in additions for f in a.evidence.all())]
    context = {
        "concern": concern,
        "plain": selectors.plain_status(concern),
        "evidence": concern.submitted_evidence,
        "additions": additions,
        "downloadable": permissions.own_files_to_download(user, concern, files),
        "questions": questions,
        "withdraw_form": withdraw_form,
        "withdraw_open": WITHDRAW in bound,
        "addition_form": (bound.get("addition") or _addition_form(user, concern))
        if can_add
        else None,
        "addition_open": "addition" in bound,
        "closed_message": (
            permissions.REPORTER_CLOSED if concern.closed_at and not can_add else ""
        ),
        "can_edit": permissions.can_edit_draft(user, concern),
        "discard_form": (bound.get("discard") or DiscardForm(initial=version))
        if permissions.can_discard_draft(user, concern)
        else None,
        "error": error,
        "error_at": next(iter(bound), ""),
        "closure_letters": reporter_letters(concern),
    }
    return render(request, "incidents/reporter/concern.html", context, status=status)


def _addition_form(user, concern: Concern, *args) -> AdditionForm:
    """For a concern about private use, a file added asks why it is relevant (issue 19)."""
    return AdditionForm(*args, user=user, private_use=concern.use_context == UseContext.PRIVATE)


def _reporter_concern(request: HttpRequest, pk: int) -> Concern:
    """The concern, for its reporter: 404 for anyone who may not see it, 403 for HR who
    may see it but are not its reporter."""
    concern = permissions.get_concern_for_user(request.user, pk)
    if not permissions.is_reporter_of(request.user, concern):
        raise PermissionDenied("Only the person who logged the concern can do that.")
    return concern


@login_required
@require_POST
def add_information(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _reporter_concern(request, pk)
    if not permissions.can_add_further_information(request.user, concern):
        return render_concern(request, concern, status=409, error=permissions.REPORTER_CLOSED)
    form = _addition_form(request.user, concern, request.POST, request.FILES)
    if not form.is_valid():
        return render_concern(request, concern, bound={"addition": form}, status=400)
    upload = form.cleaned_data.get("file")
    files = []
    if upload is not None:
        files.append(
            reporter.EvidenceUpload(
                upload=upload,
                captured_url=form.cleaned_data["captured_url"],
                captured_at=form.cleaned_data["captured_at"],
                post_deleted=form.cleaned_data["post_deleted"],
                **form.private_details(),
            )
        )
    try:
        reporter.addition_add(
            concern=concern, actor=request.user, note=form.cleaned_data["note"], files=files
        )
    except Refused as exc:
        return render_concern(
            request, concern, bound={"addition": form}, status=409, error=str(exc)
        )
    form.discard_staged()
    messages.success(request, "Added to your concern. HR has been told there is something new.")
    return redirect("incidents:detail", pk=concern.pk)


@login_required
@require_POST
def answer_question(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    concern = _reporter_concern(request, pk)
    question = ReporterQuestion.objects.filter(concern=concern, pk=question_pk).first()
    if question is None:
        raise Http404("No such question.")
    key = f"answer:{question.pk}"
    form = AnswerForm(request.POST, prefix=f"q{question.pk}")
    if not form.is_valid():
        return render_concern(request, concern, bound={key: form}, status=400)
    try:
        reporter.question_answer(
            question=question, actor=request.user, answer=form.cleaned_data["answer"]
        )
    except Refused as exc:
        return render_concern(request, concern, bound={key: form}, status=409, error=str(exc))
    messages.success(request, "Thank you. Your answer has been sent to HR.")
    return redirect("incidents:detail", pk=concern.pk)


@login_required
@require_POST
def discard_draft(request: HttpRequest, pk: int) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk, for_write=True)
    form = DiscardForm(request.POST)
    if not form.is_valid():
        return render_concern(request, concern, bound={"discard": form}, status=400)
    try:
        reporter.concern_discard_draft(
            concern=concern, actor=request.user, expected_version=form.cleaned_data["version"]
        )
    except Refused as exc:
        return render_concern(request, concern, bound={"discard": form}, status=409, error=str(exc))
    messages.success(request, "The draft was discarded.")
    return redirect("incidents:mine")


@login_required
@require_POST
def ask_question(request: HttpRequest, pk: int) -> HttpResponse:
    """HR sends the reporter a question from the concern page."""
    from incidents.casework.views.case import render_case

    concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
    if not permissions.can_ask_reporter(request.user, concern):
        raise PermissionDenied("You cannot send the reporter a question on this concern.")
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return render_case(request, concern, bound={"question": form}, status=400)
    try:
        reporter.question_ask(concern=concern, actor=request.user, text=form.cleaned_data["text"])
    except Refused as exc:
        return render_case(request, concern, bound={"question": form}, status=409, error=str(exc))
    messages.success(request, "Question sent. The reporter is emailed that there is one.")
    return redirect("incidents:detail", pk=concern.pk)


SORTS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "changed": ("-updated_at", "-pk"),
    "status": (selectors.PLAIN_ORDER.asc(), "-created_at", "-pk"),
}


@login_required
@require_GET
def my_concerns(request: HttpRequest) -> HttpResponse:
    if not permissions.can_log_concern(request.user):
        raise PermissionDenied("Only people with the reporter role log concerns.")
    sort = request.GET.get("sort", "newest")
    if sort not in SORTS:
        sort = "newest"
    rows = selectors.my_concerns(request.user).order_by(*SORTS[sort])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [{"concern": c, "plain": selectors.plain_status(c)} for c in page.object_list]
    return render(
        request,
        "incidents/reporter/my_concerns.html",
        {
            "page": page,
            "items": items,
            "sort": sort,
            "sorts": [
                ("newest", "Newest first"),
                ("oldest", "Oldest first"),
                ("changed", "Last changed"),
                ("status", "Status"),
            ],
            "query": f"sort={sort}",
        },
    )
