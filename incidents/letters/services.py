"""Letters from templates: an organisation's templates and their versions, and a letter's
life on one concern (drafted from the current version, edited by HR, issued once).

Issuing renders the PDF with the shared renderer (`incidents.documents.pdf`), stores it as a
case document through `case_document_add` (checked and hashed like any other, with its own
event) and, for an allegation notice, records the fairness dates through
`concern_record_fairness` (with its event): all in one transaction with the letter's own
event. Events name the letter, its kind and template version, never its words.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from audit.chain import record_event
from audit.models import EventKind
from config.errors import Refused
from incidents import permissions
from incidents.casework import services as casework
from incidents.documents.pdf import render_pdf_template
from incidents.documents.services import case_document_add
from incidents.models import (
    Concern,
    DocumentKind,
    Letter,
    LetterKind,
    LetterTemplate,
    LetterTemplateVersion,
)

from .context import letter_values, long_date
from .defaults import default_wording
from .placeholders import fill, missing_messages, placeholders_in

STALE = (
    "Someone else changed this letter while you were working on it. Your text is still in "
    "the form: reload the letter in another tab, compare, then save again."
)
DOCUMENT_KIND = {
    LetterKind.ALLEGATION_NOTICE: DocumentKind.ALLEGATION_NOTICE,
    LetterKind.OUTCOME: DocumentKind.DECISION,
    LetterKind.REPORTER_CLOSURE: DocumentKind.OTHER,
}


class LetterIncomplete(Refused):
    """The letter cannot be drafted or issued as it is: each problem in words."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems), status=400)
        self.problems = problems


# --- Templates -----------------------------------------------------------------------------


@transaction.atomic
def letter_template_save(*, template: LetterTemplate, actor=None) -> LetterTemplate:
    """Save an administrator's template and keep what was saved as its next version."""
    template.full_clean()
    if template.pk is not None:
        current = LetterTemplate.objects.select_for_update().get(pk=template.pk)
        template.version = current.version
    template.version += 1
    template.updated_at = timezone.now()
    template.save()
    LetterTemplateVersion.objects.create(
        template=template,
        number=template.version,
        letterhead=template.letterhead,
        subject=template.subject,
        body=template.body,
        signatory_name=template.signatory_name,
        signatory_title=template.signatory_title,
        created_by=actor,
    )
    record_event(
        organisation_id=template.organisation_id,
        actor=actor,
        kind=EventKind.LETTER_TEMPLATE_SAVED,
        after={"template": template.pk, "kind": template.kind, "version": template.version},
    )
    return template


def letter_template_current(*, organisation, kind: str) -> LetterTemplateVersion:
    """The latest version of the organisation's template for this kind; the project's
    default wording becomes version 1 the first time it is asked for."""
    template = LetterTemplate.objects.filter(organisation=organisation, kind=kind).first()
    if template is None:
        with transaction.atomic():
            template = letter_template_save(
                template=LetterTemplate(
                    organisation=organisation, kind=kind, **default_wording(kind)
                )
            )
    return template.versions.order_by("-number").first()


# --- A letter's life -----------------------------------------------------------------------


def _lock_concern(concern: Concern) -> Concern:
    return (
        Concern.objects.select_for_update(of=("self",))
        .select_related("organisation", "subject", "reporter", "platform_category")
        .get(pk=concern.pk)
    )


def _require_prepare(actor, concern: Concern, kind: str) -> None:
    if not permissions.can_prepare_letter(actor, concern, kind):
        raise Refused(
            permissions.LETTER_NOT_NOW.get(kind, "That kind of letter does not exist.")
            if permissions.can_view_letters(actor, concern)
            else "You are not allowed to prepare letters for this concern."
        )


def letter_draft(
    *,
    concern: Concern,
    actor,
    kind: str,
    facts: str = "",
    response_due_on: dt.date | None = None,
    message: str = "",
) -> Letter:
    """A draft from the organisation's current template, every placeholder filled; if one
    cannot be, nothing is made and each is named. A draft of the same kind not yet issued
    is started again (one draft per kind)."""
    with transaction.atomic():
        locked = _lock_concern(concern)
        _require_prepare(actor, locked, kind)
        version = letter_template_current(organisation=locked.organisation, kind=kind)
        values = letter_values(
            locked, kind, facts=facts, response_due_on=response_due_on, message=message
        )
        subject, missing_subject = fill(version.subject, values)
        text, missing_text = fill(version.body, values)
        missing = list(dict.fromkeys([*missing_subject, *missing_text]))
        problems = missing_messages(missing)
        if (
            kind == LetterKind.ALLEGATION_NOTICE
            and response_due_on
            and response_due_on <= timezone.localdate()
        ):
            problems.append("The response date must be after today.")
        if problems:
            raise LetterIncomplete(problems)
        letter = (
            Letter.objects.select_for_update()
            .filter(concern=locked, kind=kind, issued_at__isnull=True)
            .first()
        )
        started_again = letter is not None
        if letter is None:
            letter = Letter(concern=locked, kind=kind, created_by=actor)
        letter.template_version = version
        letter.subject, letter.text = subject, text
        letter.response_due_on = response_due_on if kind == LetterKind.ALLEGATION_NOTICE else None
        letter.updated_at = timezone.now()
        if started_again:
            letter.version += 1
        letter.full_clean()
        letter.save()
        record_event(
            organisation_id=locked.organisation_id,
            concern=locked,
            actor=actor,
            kind=EventKind.LETTER_DRAFTED,
            after={
                "letter": letter.pk,
                "kind": kind,
                "template_version": version.number,
                "started_again": started_again,
            },
        )
    return letter


def _lock_draft(letter: Letter, expected_version: int) -> Letter:
    locked = (
        Letter.objects.select_for_update(of=("self",))
        .select_related("template_version", "concern")
        .filter(pk=letter.pk)
        .first()
    )
    if locked is None or locked.issued_at is not None:
        raise Refused("This letter has been issued already, so it can no longer be changed.")
    if locked.version != expected_version:
        raise Refused(STALE)
    return locked


@transaction.atomic
def letter_save(*, letter: Letter, actor, subject: str, text: str, expected_version: int) -> Letter:
    """HR's edit of a draft's heading and text."""
    concern = _lock_concern(letter.concern)
    locked = _lock_draft(letter, expected_version)
    _require_prepare(actor, concern, locked.kind)
    subject, text = subject.strip(), text.strip()
    if not subject or not text:
        raise LetterIncomplete(["A letter needs a heading and some text."])
    Letter.objects.filter(pk=locked.pk).update(
        subject=subject, text=text, updated_at=timezone.now(), version=F("version") + 1
    )
    locked.refresh_from_db()
    record_event(
        organisation_id=concern.organisation_id,
        concern=concern,
        actor=actor,
        kind=EventKind.LETTER_EDITED,
        after={"letter": locked.pk, "kind": locked.kind, "length": len(text)},
    )
    return locked


def issue_problems(letter: Letter, today: dt.date) -> list[str]:
    """What keeps this draft from being issued today, each in words."""
    problems = [
        f"The letter still holds {{{{ {name} }}}}: replace it with the words you mean."
        for name in placeholders_in(f"{letter.subject}\n{letter.text}")
    ]
    if (
        letter.kind == LetterKind.ALLEGATION_NOTICE
        and letter.response_due_on is not None
        and letter.response_due_on <= today
    ):
        problems.append(
            f"The response date, {long_date(letter.response_due_on)}, is not after today: "
            "prepare the letter again with a later date."
        )
    return problems


def letter_pdf(letter: Letter, *, issued_on: dt.date, signed_by: str) -> bytes:
    """The letter as a PDF: the template version's letterhead, the date, the text, the
    signature; the marking, the page numbers and the template version on every page."""
    version = letter.template_version
    concern = letter.concern
    letterhead, _ = fill(version.letterhead, {"organisation_name": concern.organisation.name})
    return render_pdf_template(
        "documents/letter.html",
        {
            "letter": letter,
            "letterhead": letterhead,
            "issued_on": issued_on,
            "signed_by": signed_by,
            "signatory_title": version.signatory_title,
            "reference": concern.reference,
            # Inside a CSS string on every page: letters, digits and plain punctuation only.
            "footer": _css_safe(
                f"{concern.reference} · {letter.get_kind_display()} template, "
                f"version {version.number}"
            ),
        },
    )


def _css_safe(text: str) -> str:
    return re.sub(r"[^\w ,.·()-]", "", text)


def letter_file_name(letter: Letter, issued_on: dt.date) -> str:
    return f"{letter.concern.reference}-{slugify(letter.get_kind_display())}-{issued_on}.pdf"


def letter_issue(*, letter: Letter, actor, expected_version: int) -> Letter:
    """Issue a draft: the PDF becomes a case document, the allegation notice fills the
    fairness dates (told today, the response date it gives), and the letter is fixed."""
    today = timezone.localdate()
    letter = Letter.objects.select_related(
        "template_version", "concern", "concern__organisation"
    ).get(pk=letter.pk)
    problems = issue_problems(letter, today)
    if problems:
        raise LetterIncomplete(problems)
    signed_by = letter.template_version.signatory_name or actor.display_name
    # Rendered before the transaction, so no row is locked while WeasyPrint works.
    pdf = letter_pdf(letter, issued_on=today, signed_by=signed_by)
    with transaction.atomic():
        concern = _lock_concern(letter.concern)
        locked = _lock_draft(letter, expected_version)
        _require_prepare(actor, concern, locked.kind)
        if issue_problems(locked, today):  # changed while the PDF was made
            raise Refused(STALE)
        document = case_document_add(
            concern=concern,
            actor=actor,
            upload=SimpleUploadedFile(
                letter_file_name(locked, today), pdf, content_type="application/pdf"
            ),
            kind=DOCUMENT_KIND[locked.kind],
            title=f"issued {long_date(today)} from template version "
            f"{locked.template_version.number}",
        )
        if locked.kind == LetterKind.ALLEGATION_NOTICE:
            casework.concern_record_fairness(
                concern=concern,
                actor=actor,
                data=casework.FairnessData(
                    allegation_notified_on=today,
                    response_due_on=locked.response_due_on,
                    response_received_on=concern.response_received_on,
                ),
                expected_version=concern.version,
            )
        now = timezone.now()
        Letter.objects.filter(pk=locked.pk).update(
            issued_at=now,
            issued_by=actor,
            signed_by=signed_by,
            document=document,
            updated_at=now,
            version=F("version") + 1,
        )
        locked.refresh_from_db()
        record_event(
            organisation_id=concern.organisation_id,
            concern=concern,
            actor=actor,
            kind=EventKind.LETTER_ISSUED,
            after={
                "letter": locked.pk,
                "kind": locked.kind,
                "template_version": locked.template_version.number,
                "document": document.pk,
                "sha256": document.sha256,
            },
        )
    return locked
