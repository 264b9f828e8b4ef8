"""HR asks the reporter a question from the concern page; the reporter answers on theirs.
The exchange is apart from internal notes, content-free by email, and for a restricted
concern only its coordinator sees it on HR's side."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from audit.models import Event, EventKind
from incidents.casework import services as casework
from incidents.models import ReporterQuestion
from incidents.reporter import services as reporter_services
from tests.factories import UserFactory, make_concern

pytestmark = pytest.mark.django_db

QUESTION = "Do you still have the link to the second account?"
ANSWER = "Yes: it is under the same name, with an underscore."


def _ask(client, concern, text=QUESTION):
    return client.post(reverse("incidents:ask_reporter", args=[concern.pk]), {"text": text})


def test_hr_asks_and_the_reporter_answers_each_told_without_the_words(
    client, assigned_concern, reporter, investigator, django_capture_on_commit_callbacks
):
    client.force_login(investigator)
    with django_capture_on_commit_callbacks(execute=True):
        assert _ask(client, assigned_concern).status_code == 302
    question = ReporterQuestion.objects.get(concern=assigned_concern)
    assert [m.to for m in mail.outbox] == [[reporter.email]]
    assert QUESTION not in mail.outbox[0].body and QUESTION not in mail.outbox[0].subject

    client.force_login(reporter)
    page = client.get(reverse("incidents:detail", args=[assigned_concern.pk])).content.decode()
    assert QUESTION in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("incidents:answer_question", args=[assigned_concern.pk, question.pk]),
            {f"q{question.pk}-answer": ANSWER},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox[1:]] == [[investigator.email]]
    assert ANSWER not in mail.outbox[1].body

    kinds = set(Event.objects.filter(concern=assigned_concern).values_list("kind", flat=True))
    assert {EventKind.QUESTION_ASKED, EventKind.QUESTION_ANSWERED} <= kinds
    assert ANSWER not in json.dumps(list(Event.objects.values_list("after", flat=True)))

    client.force_login(investigator)
    hr_page = client.get(reverse("incidents:detail", args=[assigned_concern.pk])).content.decode()
    exchange = hr_page[hr_page.index('id="reporter-exchange"') :]
    assert QUESTION in exchange and ANSWER in exchange
    notes = hr_page[hr_page.index('id="notes"') : hr_page.index('id="reporter-exchange"')]
    assert ANSWER not in notes


def test_an_answer_cannot_be_sent_twice(client, assigned_concern, reporter, investigator):
    question = reporter_services.question_ask(
        concern=assigned_concern, actor=investigator, text=QUESTION
    )
    reporter_services.question_answer(question=question, actor=reporter, answer=ANSWER)
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:answer_question", args=[assigned_concern.pk, question.pk]),
        {f"q{question.pk}-answer": "Changed"},
    )

    assert response.status_code == 409
    question.refresh_from_db()
    assert question.answer == ANSWER


def test_the_reporter_never_sees_internal_notes_beside_the_questions(
    client, assigned_concern, reporter, investigator
):
    casework.note_add(concern=assigned_concern, actor=investigator, text="Internal only")
    reporter_services.question_ask(concern=assigned_concern, actor=investigator, text=QUESTION)
    client.force_login(reporter)

    page = client.get(reverse("incidents:detail", args=[assigned_concern.pk])).content.decode()

    assert QUESTION in page and "Internal only" not in page


def test_an_investigator_not_handling_it_may_not_ask(client, guidance, org, assigned_concern):
    other = UserFactory(organisation=org, roles=[Role.INVESTIGATOR], username="other_inv")
    client.force_login(other)

    assert _ask(client, assigned_concern).status_code == 404


def test_a_restricted_concerns_exchange_is_for_its_coordinator_only(
    client, guidance, org, reporter, hr_manager
):
    coordinator = UserFactory(organisation=org, roles=[Role.INVESTIGATOR], username="coord")
    org.pid_coordinator = coordinator
    org.save()
    concern = make_concern(reporter, possible_pid="yes")
    reporter_services.question_ask(concern=concern, actor=coordinator, text=QUESTION)

    client.force_login(hr_manager)
    assert client.get(reverse("incidents:detail", args=[concern.pk])).status_code == 404
    assert _ask(client, concern).status_code == 404
    client.force_login(coordinator)
    page = client.get(reverse("incidents:detail", args=[concern.pk])).content.decode()
    assert QUESTION in page


def test_an_empty_question_comes_back_with_a_message(client, assigned_concern, investigator):
    client.force_login(investigator)

    response = _ask(client, assigned_concern, text="   ")

    assert response.status_code == 400
    assert "Write the question before sending it." in response.content.decode()


def test_the_access_request_export_includes_the_exchange(
    client, assigned_concern, reporter, investigator, hr_manager
):
    question = reporter_services.question_ask(
        concern=assigned_concern, actor=investigator, text=QUESTION
    )
    reporter_services.question_answer(question=question, actor=reporter, answer=ANSWER)
    reporter_services.addition_add(concern=assigned_concern, actor=reporter, note="Later note")
    client.force_login(hr_manager)

    response = client.get(reverse("incidents:person_export", args=[assigned_concern.subject_id]))

    concern = json.loads(response.content)["concerns"][0]
    assert concern["questions_to_reporter"][0]["question"] == QUESTION
    assert concern["questions_to_reporter"][0]["answer"] == ANSWER
    assert concern["added_by_reporter"][0]["note"] == "Later note"
