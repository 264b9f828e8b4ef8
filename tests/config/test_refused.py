"""One refusal (config.errors.Refused), mapped once for the web and once for the API.

A refusal no view caught is a 409 page with its message, never a 500. Each area that
refuses (the workflow, casework, intake, imports, records, tokens) reaches the person
with its message on the web and, where the API offers the action, in the API's error
shape with the status the API documents.
"""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client
from django.urls import path, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from config.errors import Refused
from config.urls import urlpatterns as project_urlpatterns
from tests.imports.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db

STALE_DRAFT = "This draft was changed in another window or tab after you opened it."


@pytest.fixture
def plain_client():
    """As a real server: an unhandled exception becomes a response, not a test error."""
    return Client(raise_request_exception=False)


def _page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def api():
    """api(user) -> an API client with a read-write token for that user."""
    from api import tokens

    def client(user) -> APIClient:
        _, plaintext = tokens.token_create(
            actor=user,
            user=user,
            name="Test token",
            scope="read_write",
            expires_at=timezone.now() + dt.timedelta(days=5),
        )
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
        return c

    return client


# --- The web mapping -----------------------------------------------------------------


def _view_that_refuses(request):
    raise Refused("You cannot do that now: someone else is working on it.")


# This module doubles as a URLconf (with the project's, which the page's menu links to).
urlpatterns = [path("refuses/", _view_that_refuses), *project_urlpatterns]


@pytest.mark.urls(__name__)
def test_an_uncaught_refusal_in_a_view_is_a_409_page_with_its_message(plain_client, reporter):
    plain_client.force_login(reporter)
    response = plain_client.get("/refuses/")
    assert response.status_code == 409
    assert response.templates[0].name == "409.html"
    page = _page(response)
    assert "You cannot do that now: someone else is working on it." in page
    assert "Server Error" not in page


@pytest.mark.urls(__name__)
def test_the_refusal_page_needs_no_signed_in_person(plain_client):
    response = plain_client.get("/refuses/")
    assert response.status_code == 409
    assert "someone else is working on it" in _page(response)


# --- Each former source, on the web and through the API -------------------------------


def test_the_workflow_refusal_reaches_the_person(client, api, submitted_concern, hr_manager):
    message = "“Reopen” is not possible for a concern at the submitted stage."
    client.force_login(hr_manager)
    web = client.post(
        reverse("incidents:act", args=[submitted_concern.pk, "reopen"]),
        {"version": submitted_concern.version, "reason": "Another door"},
    )
    assert web.status_code == 409
    assert message in _page(web)

    response = api(hr_manager).post(
        f"/api/v1/concerns/{submitted_concern.pk}/actions/reopen/",
        {"version": submitted_concern.version, "reason": "Another door"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json() == {"error": {"code": "refused", "message": message, "fields": {}}}


def test_a_casework_refusal_reaches_the_person(client, api, investigating_concern, investigator):
    message = "A breach cannot be found substantiated until the employee has been told"
    section = investigating_concern.findings.get().section_id
    client.force_login(investigator)
    web = client.post(
        reverse("incidents:findings", args=[investigating_concern.pk]),
        {"version": investigating_concern.version, f"finding_{section}": "substantiated"},
    )
    assert web.status_code == 409
    assert message in _page(web)

    response = api(investigator).post(
        f"/api/v1/concerns/{investigating_concern.pk}/findings/",
        {
            "version": investigating_concern.version,
            "findings": [{"section": section, "finding": "substantiated"}],
        },
        format="json",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "refused" and error["message"].startswith(message)


def test_an_intake_conflict_reaches_the_person_and_keeps_the_typed_text(
    client, draft_concern, reporter
):
    """The API has no draft editing, so this refusal is the web's only."""
    client.force_login(reporter)
    response = client.post(
        reverse("incidents:edit", args=[draft_concern.pk]),
        {
            "description": "What I typed.",
            "use_context": "unclear",
            "possible_pid": "no",
            "version": draft_concern.version + 1,
        },
    )
    assert response.status_code == 409
    page = _page(response)
    assert STALE_DRAFT in page and "What I typed." in page


def test_an_import_refusal_reaches_the_person(client, guidance, media, reporter, hr_manager):
    """Imports are web pages only."""
    from imports import services

    batch, _ = services.batch_check(user=hr_manager, content=csv_bytes([row()]), name="a.csv")
    batch.file.delete()
    client.force_login(hr_manager)

    page = client.get(reverse("imports:batch", args=[batch.pk]))
    assert "The uploaded file has been deleted" in _page(page)
    confirmed = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)
    assert "The uploaded file has been deleted" in _page(confirmed)


def test_a_records_refusal_reaches_the_person(client, submitted_concern, hr_manager):
    """Retention and legal holds are web pages only."""
    client.force_login(hr_manager)
    response = client.post(
        reverse("records:hold_release", args=[submitted_concern.pk]), {"reason": "Settled."}
    )
    assert response.status_code == 409
    assert "This concern is not on legal hold." in _page(response)


def test_a_token_refusal_reaches_the_person(client, monkeypatch, reporter):
    """Refused input, so 400 on the page and through the API, as it always was."""
    from api import permissions, tokens

    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    session_api = APIClient()
    session_api.force_login(reporter)
    response = session_api.post(
        "/api/v1/tokens/", {"name": "BI", "scope": "read", "expires_at": past}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "The expiry must be in the future.",
            "fields": {"non_field_errors": ["The expiry must be in the future."]},
        }
    }

    # The page checks the date itself; the holder rule is the service's (it is checked
    # again when the token is made, so a role lost meanwhile is refused there).
    monkeypatch.setattr(permissions, "can_create_token_for", lambda actor, user: False)
    client.force_login(reporter)
    expires = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    page = client.post(
        reverse("api:tokens"), {"name": "BI", "scope": "read", "expires_on": expires}
    )
    assert page.status_code == 400
    assert tokens.REFUSED_HOLDER in _page(page)
