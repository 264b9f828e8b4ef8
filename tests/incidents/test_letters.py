"""Letters from templates: drafted with every placeholder filled or refused naming what is
missing, issued once as a hashed PDF case document that fills the fairness dates, kept
exactly as sent when the template changes, and only for HR who may work the concern."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import Event, EventKind
from config.errors import Refused
from incidents.casework import services as casework
from incidents.documents.pdf import PROTECTIVE_MARKING
from incidents.letters import services
from incidents.letters.placeholders import fill, template_errors
from incidents.models import (
    CaseDocument,
    DocumentKind,
    Letter,
    LetterKind,
    LetterTemplate,
    LetterTemplateVersion,
)
from tests.factories import RIGHTS, UserFactory, make_concern

pytestmark = pytest.mark.django_db

FACTS = "On 14 March 2026 you posted a photo of a client file on your public Facebook page."


def _due() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=10)


def _long(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _pages(document: CaseDocument) -> list[str]:
    with document.file.open("rb") as handle:
        data = handle.read()
    # Words as a reader sees them: the footer's narrow box wraps its line.
    return [
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages
    ]


def _draft_notice(concern, actor, **options) -> Letter:
    return services.letter_draft(
        concern=concern,
        actor=actor,
        kind=LetterKind.ALLEGATION_NOTICE,
        facts=options.get("facts", FACTS),
        response_due_on=options.get("response_due_on", _due()),
    )


def _closed(decision_concern, hr_manager):
    return casework.concern_act(
        concern=decision_concern,
        actor=hr_manager,
        action="close",
        expected_version=decision_concern.version,
        inputs={"reporter_message": "Thank you; HR has dealt with it."},
    )


# --- The placeholder language ---------------------------------------------------------------


def test_filling_replaces_known_placeholders_and_names_the_empty_ones():
    text, missing = fill(
        "Dear {{ employee_name }}, reply by {{response_date}}. {{ employee_name }}",
        {"employee_name": "Jordan Example", "response_date": ""},
    )
    assert text == "Dear Jordan Example, reply by {{response_date}}. Jordan Example"
    assert missing == ["response_date"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Dear {{ concern.subject }}", "{{ concern.subject }} is not a placeholder"),
        ("{% load static %}Hello", "{% … %} and {# … #} are not allowed"),
        ("{% include 'x.html' %}", "{% … %} and {# … #} are not allowed"),
        ("Dear {{ employee_name", "A placeholder is not closed"),
        ("{{ employee_name|upper }}", "is not a placeholder this app knows"),
    ],
)
def test_a_template_can_reach_nothing_outside_its_placeholders(org, body, expected):
    template = LetterTemplate(
        organisation=org, kind=LetterKind.ALLEGATION_NOTICE, letterhead="x", subject="x", body=body
    )
    errors = template_errors(template)
    assert any(expected in message for message in errors["body"])


def test_a_message_to_the_reporter_cannot_name_the_employee_or_the_findings(org):
    template = LetterTemplate(
        organisation=org,
        kind=LetterKind.REPORTER_CLOSURE,
        letterhead="x",
        subject="x",
        body="About {{ employee_name }}: {{ findings }}",
    )
    errors = template_errors(template)["body"]
    assert "{{ employee_name }} cannot be used in a closing message" in errors[0]
    assert "{{ findings }} cannot be used" in errors[1]


# --- Drafting -----------------------------------------------------------------------------


def test_an_allegation_notice_is_drafted_with_the_confirmed_sections_and_facts(
    investigating_concern, investigator
):
    letter = _draft_notice(investigating_concern, investigator)

    assert "Dear Jordan Example," in letter.text
    assert "6.2 " in letter.text  # the confirmed section, with its title
    assert FACTS in letter.text
    assert f"respond in writing by {_long(_due())}" in letter.text
    assert "support person" in letter.text and "Employee Assistance Program" in letter.text
    assert investigating_concern.reference in letter.subject
    assert "{{" not in letter.text
    assert letter.template_version.number == 1
    event = Event.objects.get(kind=EventKind.LETTER_DRAFTED)
    assert event.after == {
        "letter": letter.pk,
        "kind": "allegation_notice",
        "template_version": 1,
        "started_again": False,
    }


def test_an_unfillable_placeholder_is_named_and_nothing_is_drafted(
    investigating_concern, investigator
):
    with pytest.raises(services.LetterIncomplete) as refused:
        _draft_notice(investigating_concern, investigator, facts="", response_due_on=None)

    assert refused.value.problems == [
        "The facts put to the employee are not written.",
        "The response date is not set.",
    ]
    assert not Letter.objects.exists()


def test_an_unnamed_employee_is_named_back_before_drafting(guidance, reporter, hr_manager):
    concern = make_concern(reporter, subject_name="", subject_not_known=True)
    for action in ("start_triage",):
        concern = casework.concern_act(
            concern=concern, actor=hr_manager, action=action, expected_version=concern.version
        )
    from guidance.models import CodeSection

    concern = casework.concern_record_triage(
        concern=concern,
        actor=hr_manager,
        data=casework.TriageData("misconduct", "low", list(CodeSection.objects.filter(code="3.5"))),
        expected_version=concern.version,
    )
    concern = casework.concern_assign(
        concern=concern, actor=hr_manager, assignee=hr_manager, expected_version=None
    )
    concern = casework.concern_act(
        concern=concern,
        actor=hr_manager,
        action="start_investigation",
        expected_version=concern.version,
        inputs=RIGHTS,
    )
    with pytest.raises(services.LetterIncomplete) as refused:
        _draft_notice(concern, hr_manager)
    assert "The employee concerned is not named on this concern." in refused.value.problems


def test_the_draft_page_names_what_is_missing_and_keeps_what_was_typed(
    client, investigating_concern, investigator
):
    client.force_login(investigator)
    url = reverse("incidents:letter_draft", args=[investigating_concern.pk, "allegation_notice"])

    response = client.post(url, {"facts": "Posted it."})

    assert response.status_code == 400
    body = response.content.decode()
    assert "The response date is not set." in body
    assert "Posted it." in body
    assert not Letter.objects.exists()


def test_a_response_date_in_the_past_is_refused(investigating_concern, investigator):
    with pytest.raises(services.LetterIncomplete, match="must be after today"):
        _draft_notice(investigating_concern, investigator, response_due_on=timezone.localdate())


def test_an_allegation_notice_is_not_offered_before_the_investigation(
    submitted_concern, hr_manager
):
    with pytest.raises(Refused, match="prepared while the concern is under investigation"):
        _draft_notice(submitted_concern, hr_manager)


# --- Issuing -----------------------------------------------------------------------------


def test_issuing_stores_a_hashed_pdf_and_fills_the_fairness_dates(
    media, investigating_concern, investigator
):
    letter = _draft_notice(investigating_concern, investigator)

    issued = services.letter_issue(
        letter=letter, actor=investigator, expected_version=letter.version
    )

    document = issued.document
    assert document.kind == DocumentKind.ALLEGATION_NOTICE
    assert document.content_type == "application/pdf"
    with document.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.sha256
    concern = investigating_concern.__class__.objects.get(pk=investigating_concern.pk)
    assert concern.allegation_notified_on == timezone.localdate()
    assert concern.response_due_on == _due()
    kinds = list(
        Event.objects.filter(concern=concern).order_by("-seq").values_list("kind", flat=True)[:3]
    )
    assert kinds == [
        EventKind.LETTER_ISSUED,
        EventKind.FAIRNESS_RECORDED,
        EventKind.CASE_DOCUMENT_ADDED,
    ]
    issued_event = Event.objects.get(kind=EventKind.LETTER_ISSUED)
    assert issued_event.after == {
        "letter": letter.pk,
        "kind": "allegation_notice",
        "template_version": 1,
        "document": document.pk,
        "sha256": document.sha256,
    }
    assert FACTS not in str(issued_event.after)  # the event holds no words of the letter


def test_the_pdf_carries_the_marking_page_numbers_filled_text_and_template_version(
    media, investigating_concern, investigator
):
    long_facts = "\n\n".join(f"{n}. {FACTS}" for n in range(1, 40))
    letter = _draft_notice(investigating_concern, investigator, facts=long_facts)
    issued = services.letter_issue(letter=letter, actor=investigator, expected_version=1)

    pages = _pages(issued.document)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert PROTECTIVE_MARKING in text
        assert f"Page {number} of {len(pages)}" in text
        assert "Allegation notice template, version 1" in text
        assert investigating_concern.reference in text
    whole = " ".join(" ".join(pages).split())
    assert "Dear Jordan Example," in whole
    assert f"by {_long(_due())}" in whole
    assert investigating_concern.organisation.name in whole
    assert "{{" not in whole
    assert _long(timezone.localdate()) in pages[0]  # dated the day it was issued


def test_a_placeholder_typed_into_the_draft_is_refused_at_issue(
    investigating_concern, investigator
):
    letter = _draft_notice(investigating_concern, investigator)
    letter = services.letter_save(
        letter=letter,
        actor=investigator,
        subject=letter.subject,
        text=letter.text + "\n\nSee {{ attachment }}.",
        expected_version=letter.version,
    )
    with pytest.raises(services.LetterIncomplete, match=r"still holds \{\{ attachment \}\}"):
        services.letter_issue(letter=letter, actor=investigator, expected_version=letter.version)
    assert not CaseDocument.objects.exists()


def test_an_issued_letter_cannot_be_changed_or_issued_again(
    media, investigating_concern, investigator
):
    letter = _draft_notice(investigating_concern, investigator)
    issued = services.letter_issue(letter=letter, actor=investigator, expected_version=1)
    with pytest.raises(Refused, match="issued already"):
        services.letter_save(
            letter=issued,
            actor=investigator,
            subject="x",
            text="y",
            expected_version=issued.version,
        )
    with pytest.raises(Refused, match="issued already"):
        services.letter_issue(letter=issued, actor=investigator, expected_version=issued.version)
    assert CaseDocument.objects.count() == 1


def test_a_stale_edit_is_refused(investigating_concern, investigator):
    letter = _draft_notice(investigating_concern, investigator)
    services.letter_save(
        letter=letter, actor=investigator, subject="A", text="First.", expected_version=1
    )
    with pytest.raises(Refused, match="Someone else changed this letter"):
        services.letter_save(
            letter=letter, actor=investigator, subject="B", text="Second.", expected_version=1
        )


# --- Versions -----------------------------------------------------------------------------


def test_an_issued_letter_keeps_its_words_after_the_template_changes(
    client, media, investigating_concern, investigator, hr_manager
):
    letter = _draft_notice(investigating_concern, investigator)
    issued = services.letter_issue(letter=letter, actor=investigator, expected_version=1)
    template = LetterTemplate.objects.get(kind=LetterKind.ALLEGATION_NOTICE)
    template.body = "Dear {{ employee_name }}, new wording. Reply by {{ response_date }}."
    template.subject = "New heading {{ reference }}"
    services.letter_template_save(template=template, actor=None)

    assert template.version == 2
    client.force_login(investigator)
    page = client.get(reverse("incidents:letter", args=[investigating_concern.pk, issued.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "version 1" in body and "exactly as it was sent" in body
    assert "support person" in body and "new wording" not in body
    assert "Allegation notice template, version 1" in " ".join(_pages(issued.document))

    # A draft made now uses the new version.
    fresh = _draft_notice(investigating_concern, investigator)
    assert fresh.template_version.number == 2
    assert fresh.text == f"Dear Jordan Example, new wording. Reply by {_long(_due())}."


def test_a_template_version_is_never_changed_or_deleted(investigating_concern, investigator):
    letter = _draft_notice(investigating_concern, investigator)
    version = letter.template_version
    version.body = "Changed"
    with pytest.raises(ValueError, match="never changed"):
        version.save()
    with pytest.raises(ValueError, match="never deleted"):
        version.delete()
    assert LetterTemplateVersion.objects.get(pk=version.pk).body != "Changed"


# --- The outcome and the reporter's message ---------------------------------------------------


def test_a_notice_of_outcome_gives_each_finding_and_the_action(media, decision_concern, hr_manager):
    closed = _closed(decision_concern, hr_manager)
    letter = services.letter_draft(concern=closed, actor=hr_manager, kind=LetterKind.OUTCOME)

    assert ": Substantiated" in letter.text
    assert "The action taken is: formal warning." in letter.text
    issued = services.letter_issue(letter=letter, actor=hr_manager, expected_version=1)
    assert issued.document.kind == DocumentKind.DECISION
    text = " ".join(_pages(issued.document))
    assert "Notice of outcome template, version 1" in text
    assert "review" in text


def test_the_reporter_reads_the_closing_message_once_issued(
    client, media, decision_concern, hr_manager, reporter
):
    closed = _closed(decision_concern, hr_manager)
    letter = services.letter_draft(
        concern=closed,
        actor=hr_manager,
        kind=LetterKind.REPORTER_CLOSURE,
        message="We looked into it carefully.",
    )
    assert "Jordan Example" not in letter.text and "Substantiated" not in letter.text
    client.force_login(reporter)
    url = reverse("incidents:detail", args=[closed.pk])
    assert "We looked into it carefully." not in client.get(url).content.decode()

    services.letter_issue(letter=letter, actor=hr_manager, expected_version=1)

    body = client.get(url).content.decode()
    section = body[body.index(f'id="closure-letter-{letter.pk}"') :]
    section = section[: section.index("</section>")]
    assert "A message from HR" in section
    assert "We looked into it carefully." in section
    assert "Jordan Example" not in section  # what they sent shows the name; HR's words do not


def test_a_closing_message_needs_a_finished_concern(investigating_concern, hr_manager):
    with pytest.raises(Refused, match="once the concern is finished"):
        services.letter_draft(
            concern=investigating_concern,
            actor=hr_manager,
            kind=LetterKind.REPORTER_CLOSURE,
            message="Done.",
        )


# --- Who may ---------------------------------------------------------------------------------


def test_the_concern_page_links_to_the_letters_for_hr_who_work_it(
    client, investigating_concern, investigator, hr_manager
):
    url = reverse("incidents:detail", args=[investigating_concern.pk])
    letters = reverse("incidents:letters", args=[investigating_concern.pk])
    for person in (investigator, hr_manager):
        client.force_login(person)
        assert letters in client.get(url).content.decode()


def test_the_employee_concerned_and_other_roles_get_404(
    client, investigating_concern, investigator, reporter, executive, administrator, outsider
):
    letter = _draft_notice(investigating_concern, investigator)
    subject = investigating_concern.subject
    employee = UserFactory(
        username="employee",
        organisation=investigating_concern.organisation,
        roles=[Role.INVESTIGATOR, Role.REPORTER],
    )
    subject.user = employee
    subject.save()
    urls = [
        ("get", reverse("incidents:letters", args=[investigating_concern.pk])),
        ("get", reverse("incidents:letter", args=[investigating_concern.pk, letter.pk])),
        ("post", reverse("incidents:letter_save", args=[investigating_concern.pk, letter.pk])),
        ("post", reverse("incidents:letter_issue", args=[investigating_concern.pk, letter.pk])),
        (
            "post",
            reverse("incidents:letter_draft", args=[investigating_concern.pk, "allegation_notice"]),
        ),
    ]
    for person in (employee, reporter, executive, administrator, outsider):
        client.force_login(person)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, (person.username, url)
    assert Letter.objects.get().text == letter.text


def test_a_restricted_concern_has_letters_for_its_coordinator_only(
    client, guidance, org, reporter, hr_manager
):
    coordinator = UserFactory(organisation=org, roles=[Role.INVESTIGATOR], username="coord")
    org.pid_coordinator = coordinator
    org.save()
    concern = make_concern(reporter, possible_pid="yes")
    url = reverse("incidents:letters", args=[concern.pk])

    client.force_login(hr_manager)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 200


def test_the_letters_of_a_disposed_concern_go_with_it(
    media, decision_concern, hr_manager, django_capture_on_commit_callbacks
):
    from records import services as records
    from records.models import RetentionSchedule

    closed = _closed(decision_concern, hr_manager)
    letter = services.letter_draft(concern=closed, actor=hr_manager, kind=LetterKind.OUTCOME)
    services.letter_issue(letter=letter, actor=hr_manager, expected_version=1)
    services.letter_draft(
        concern=closed, actor=hr_manager, kind=LetterKind.REPORTER_CLOSURE, message="Finished."
    )
    assert Letter.objects.count() == 2
    RetentionSchedule.objects.filter(concern=closed).update(
        disposal_due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    records.list_due_disposals()
    with django_capture_on_commit_callbacks(execute=True):
        records.disposal_approve(actor=hr_manager, concern_ids=[closed.pk], note="Class 1.2.3")

    assert closed.__class__.objects.get(pk=closed.pk).disposed_at is not None
    assert not Letter.objects.filter(concern=closed).exists()
    assert not CaseDocument.objects.filter(concern=closed).exists()


@pytest.mark.parametrize("kind", LetterKind.values)
def test_the_default_wording_of_each_kind_uses_only_its_own_placeholders(org, kind):
    from incidents.letters.defaults import default_wording

    template = LetterTemplate(organisation=org, kind=kind, **default_wording(kind))
    assert template_errors(template) == {}
    assert "{{ reference }}" in template.subject


def test_a_notice_of_outcome_gives_the_charter_record_and_the_last_day_for_a_review(
    media, decision_concern, hr_manager
):
    from incidents import charter
    from incidents.models import OutcomeReview

    closed = _closed(decision_concern, hr_manager)
    letter = services.letter_draft(concern=closed, actor=hr_manager, kind=LetterKind.OUTCOME)
    review = OutcomeReview.objects.get(concern=closed)
    records = [row for row in charter.records(closed) if row.current]
    assert records  # an adverse finding and a formal warning needed one
    assert "How your rights were considered" in letter.text
    for row in records:
        assert row.expression in letter.text and row.proportionality in letter.text
    assert f"by {_long(review.review_due_on)}" in letter.text
