"""A database that cannot be reached: 503 with Retry-After and a page that says try again."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import path, reverse

pytestmark = pytest.mark.django_db

DOWN = OperationalError("terminating connection due to administrator command")


@pytest.fixture
def plain_client():
    """As a real server: an unhandled exception becomes a response, not a test error."""
    return Client(raise_request_exception=False)


def test_a_page_whose_queries_fail_answers_503_with_retry_after(plain_client, reporter):
    plain_client.force_login(reporter)
    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DOWN),
        mock.patch("django.db.backends.utils.CursorWrapper.executemany", side_effect=DOWN),
    ):
        response = plain_client.get(reverse("incidents:mine"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    assert "Please try again in a moment." in page
    assert "terminating connection" not in page


def _view_that_loses_its_connection(request):
    raise InterfaceError("connection already closed")


# This module doubles as a URLconf for the test below.
urlpatterns = [path("lost/", _view_that_loses_its_connection)]


@pytest.mark.urls(__name__)
def test_an_error_raised_by_a_view_answers_503(plain_client):
    response = plain_client.get("/lost/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Briefly unavailable" in response.content.decode()


def test_the_api_answers_503_in_its_error_shape(plain_client, hr_manager):
    plain_client.force_login(hr_manager)
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DOWN):
        response = plain_client.get(reverse("api:concerns"), HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "error": {
            "code": "unavailable",
            "message": "The service is briefly unavailable. Please try again in a moment.",
            "fields": {},
        }
    }


def test_other_errors_are_still_500(plain_client, reporter):
    plain_client.force_login(reporter)
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=RuntimeError("a bug")
    ):
        response = plain_client.get(reverse("incidents:mine"))
    assert response.status_code == 500
    assert "Retry-After" not in response
