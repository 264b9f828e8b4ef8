"""The letters of one concern: what can be prepared now, each draft to review and edit, and
the issue. HR only (incidents.permissions.can_view_letters); everyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.access import access_record
from audit.models import AccessRecord
from config.errors import Refused
from incidents import permissions
from incidents.models import Concern, Letter, LetterKind

from . import selectors, services
from .forms import DraftForm, IssueForm, LetterEditForm
from .placeholders import fill


def _letters_concern(request: HttpRequest, pk: int) -> Concern:
    concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
    if not permissions.can_view_letters(request.user, concern):
        raise PermissionDenied("Letters are prepared by the concern's investigator or HR managers.")
    return concern


def render_letters(
    request: HttpRequest,
    concern: Concern,
    *,
    bound: DraftForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    letters = list(selectors.letters_of(concern))
    drafts = {letter.kind: letter for letter in letters if not letter.is_issued}
    kinds = []
    for kind in LetterKind:
        can = permissions.can_prepare_letter(request.user, concern, kind)
        failed = bound is not None and bound.kind == kind
        kinds.append(
            {
                "kind": kind,
                "label": kind.label,
                "can_prepare": can,
                "not_now": "" if can else permissions.LETTER_NOT_NOW[kind],
                "form": (bound if failed else DraftForm(kind=kind, concern=concern))
                if can
                else None,
                "problems": (problems or []) if failed else [],
                "draft": drafts.get(kind),
            }
        )
    context = {
        "concern": concern,
        "kinds": kinds,
        "issued": [letter for letter in letters if letter.is_issued],
    }
    return render(request, "incidents/letters/letters.html", context, status=status)


@login_required
@require_GET
def letters(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _letters_concern(request, pk)
    access_record(
        concern=concern, user=request.user, action=AccessRecord.Action.VIEWED, detail="letters"
    )
    return render_letters(request, concern)


@login_required
@require_POST
def letter_draft(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in LetterKind.values:
        raise Http404("No such kind of letter.")
    concern = _letters_concern(request, pk)
    form = DraftForm(request.POST, kind=kind, concern=concern)
    if not form.is_valid():
        return render_letters(request, concern, bound=form, status=400)
    try:
        letter = services.letter_draft(
            concern=concern, actor=request.user, kind=kind, **form.inputs()
        )
    except services.LetterIncomplete as exc:
        return render_letters(request, concern, bound=form, problems=exc.problems, status=400)
    except Refused as exc:
        return render_letters(request, concern, bound=form, problems=[str(exc)], status=409)
    messages.success(request, f"Drafted the {letter.get_kind_display().lower()}. Review it below.")
    return redirect("incidents:letter", pk=pk, letter_pk=letter.pk)


def render_letter(
    request: HttpRequest,
    letter: Letter,
    *,
    form: LetterEditForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """A letter: as issued, or a draft in one form that saves or issues it."""
    concern = letter.concern
    can_change = not letter.is_issued and permissions.can_prepare_letter(
        request.user, concern, letter.kind
    )
    if can_change and form is None:
        form = IssueForm(
            initial={"version": letter.version, "subject": letter.subject, "text": letter.text},
            letter=letter,
        )
    context = {
        "concern": concern,
        "letter": letter,
        "version": letter.template_version,
        "letterhead": fill(
            letter.template_version.letterhead, {"organisation_name": concern.organisation.name}
        )[0],
        "can_change": can_change,
        "form": form if can_change else None,
        "confirmation": IssueForm.confirmation_for(letter),
        "problems": problems or [],
        "not_now": ""
        if can_change or letter.is_issued
        else permissions.LETTER_NOT_NOW.get(letter.kind, ""),
        "signatory": letter.signed_by
        or letter.template_version.signatory_name
        or f"{request.user.display_name} (the person who issues it)",
    }
    return render(request, "incidents/letters/letter.html", context, status=status)


@login_required
@require_GET
def letter_detail(request: HttpRequest, pk: int, letter_pk: int) -> HttpResponse:
    letter = permissions.get_letter_for_user(request.user, pk, letter_pk)
    access_record(
        concern=letter.concern,
        user=request.user,
        action=AccessRecord.Action.VIEWED,
        detail="letter",
    )
    return render_letter(request, letter)


def _changeable(request: HttpRequest, pk: int, letter_pk: int) -> Letter:
    letter = permissions.get_letter_for_user(request.user, pk, letter_pk)
    if not permissions.can_prepare_letter(request.user, letter.concern, letter.kind):
        raise PermissionDenied(permissions.LETTER_NOT_NOW.get(letter.kind, ""))
    return letter


@login_required
@require_POST
def letter_save(request: HttpRequest, pk: int, letter_pk: int) -> HttpResponse:
    letter = _changeable(request, pk, letter_pk)
    form = LetterEditForm(request.POST)
    if not form.is_valid():
        return render_letter(request, letter, form=form, status=400)
    try:
        _save_if_changed(request, letter, form)
    except Refused as exc:
        return render_letter(request, letter, form=form, problems=_problems(exc), status=exc.status)
    messages.success(request, "Saved the draft.")
    return redirect("incidents:letter", pk=pk, letter_pk=letter_pk)


def _problems(exc: Refused) -> list[str]:
    return getattr(exc, "problems", None) or [str(exc)]


def _save_if_changed(request: HttpRequest, letter: Letter, form: LetterEditForm) -> Letter:
    data = form.cleaned_data
    if data["subject"].strip() == letter.subject and data["text"].strip() == letter.text:
        if data["version"] != letter.version:
            raise Refused(services.STALE)
        return letter
    return services.letter_save(
        letter=letter,
        actor=request.user,
        subject=data["subject"],
        text=data["text"],
        expected_version=data["version"],
    )


@login_required
@require_POST
def letter_issue(request: HttpRequest, pk: int, letter_pk: int) -> HttpResponse:
    letter = _changeable(request, pk, letter_pk)
    form = IssueForm(request.POST, letter=letter)
    if not form.is_valid():
        return render_letter(request, letter, form=form, status=400)
    saved = None
    try:
        saved = _save_if_changed(request, letter, form)
        issued = services.letter_issue(
            letter=saved, actor=request.user, expected_version=saved.version
        )
    except Refused as exc:
        if saved is not None:  # the text was saved; the form carries the saved version now
            data = request.POST.copy()
            data["version"] = str(saved.version)
            form = IssueForm(data, letter=saved)
            form.is_valid()
            letter = saved
        return render_letter(request, letter, form=form, problems=_problems(exc), status=exc.status)
    messages.success(
        request,
        f"Issued the {issued.get_kind_display().lower()}: its PDF is in the case documents.",
    )
    return redirect("incidents:letter", pk=pk, letter_pk=letter_pk)
