"""The API validates once, with the web page's form: a JSON body is read as the page would
post it (api/formdata.py), and a refusal carries the form's own message."""

from __future__ import annotations

import pytest

from api.formdata import ONE_VALUE, SEVERAL_VALUES
from incidents.models import Concern, Evidence, Note
from tests.factories import png_upload

pytestmark = pytest.mark.django_db

# The factories' concerns are about private use, so each file needs its relevance.
RELEVANCE = "It names a client of the team."


def _fields(response) -> dict:
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "invalid"
    return error["fields"]


def test_a_body_that_is_not_an_object_is_refused(api, guidance, reporter):
    response = api(reporter).post("/api/v1/concerns/", [1, 2], format="json")
    assert _fields(response) == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


def test_a_list_or_object_where_one_value_goes_is_refused(api, guidance, reporter):
    response = api(reporter).post(
        "/api/v1/concerns/",
        {"description": ["two", "values"], "sections": [{"id": 1}], "platform_name": {}},
        format="json",
    )
    assert _fields(response) == {
        "description": [ONE_VALUE],
        "sections": [SEVERAL_VALUES],
        "platform_name": [ONE_VALUE],
    }
    assert not Concern.objects.exists()


def test_numbers_booleans_and_nulls_read_as_the_page_posts_them(api, guidance, reporter):
    response = api(reporter).post(
        "/api/v1/concerns/",
        {
            "platform_name": 42,
            "subject_not_known": True,
            "description": None,
            "not_a_field": {"ignored": ["as", "ever"]},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    content = response.json()["content"]
    assert content["platform_name"] == "42" and content["subject_not_known"] is True
    assert content["description"] == ""
    # Left out, the page's preselected choices are taken, as the page would post them.
    assert content["use_context"] == "unclear" and content["possible_pid"] == "no"


@pytest.mark.parametrize(("sent", "ticked"), [(True, True), (1, True), (False, False), (0, False)])
def test_a_checkbox_reads_json_true_false_and_numbers(api, guidance, reporter, sent, ticked):
    response = api(reporter).post("/api/v1/concerns/", {"subject_not_known": sent}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["content"]["subject_not_known"] is ticked


def test_the_intake_pages_questions_are_answered_through_the_api_too(api, guidance, reporter):
    response = api(reporter).post(
        "/api/v1/concerns/",
        {"q_official_account": "yes", "q_work_resources": "unsure"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    concern = Concern.objects.get(pk=response.json()["id"])
    assert concern.context_answers == {"official_account": "yes", "work_resources": "unsure"}
    refused = api(reporter).post("/api/v1/concerns/", {"q_identifiable": "often"}, format="json")
    assert list(_fields(refused)) == ["q_identifiable"]


def test_multipart_form_data_is_read_as_the_page_posts_it(api, guidance, reporter):
    response = api(reporter).post(
        "/api/v1/concerns/",
        {"description": "Seen on a forum.", "subject_not_known": "true"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["content"]["description"] == "Seen on a forum."


@pytest.mark.parametrize(
    ("sent", "ticked"), [("true", True), ("on", True), ("0", False), ("no", False), ("off", False)]
)
def test_a_multipart_checkbox_reads_as_a_client_means_it(api, guidance, reporter, sent, ticked):
    """'0' or 'off' is not ticked, although a browser's form would read any text as ticked
    (found by a review: 'subject_not_known=0' saved a concern as 'I don't know who')."""
    response = api(reporter).post(
        "/api/v1/concerns/", {"subject_not_known": sent}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["content"]["subject_not_known"] is ticked


def test_a_checkbox_that_is_neither_true_nor_false_is_refused(api, guidance, reporter):
    response = api(reporter).post(
        "/api/v1/concerns/", {"subject_not_known": "maybe"}, format="json"
    )
    assert _fields(response) == {"subject_not_known": ["Give true or false."]}


def test_every_link_in_a_multipart_body_is_kept(api, guidance, reporter):
    response = api(reporter).post(
        "/api/v1/concerns/",
        {"links": ["https://example.org/post/1", "https://example.org/post/2"]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    concern = Concern.objects.get(pk=response.json()["id"])
    assert sorted(concern.links.values_list("url", flat=True)) == [
        "https://example.org/post/1",
        "https://example.org/post/2",
    ]


def test_a_field_repeated_in_multipart_where_one_value_goes_is_refused(api, guidance, reporter):
    response = api(reporter).post(
        "/api/v1/concerns/", {"description": ["one", "two"]}, format="multipart"
    )
    assert _fields(response) == {"description": [ONE_VALUE]}


# --- Where the API used to answer with its own message, the page's form now answers ----


def test_a_blank_note_gets_the_forms_message(api, investigating_concern, investigator):
    response = api(investigator).post(
        f"/api/v1/concerns/{investigating_concern.pk}/notes/", {"text": "   "}, format="json"
    )
    assert _fields(response) == {"text": ["This field is required."]}
    assert not Note.objects.exists()


def test_triage_without_sections_gets_the_forms_message(api, submitted_concern, hr_manager):
    response = api(hr_manager).post(
        f"/api/v1/concerns/{submitted_concern.pk}/triage/",
        {
            "version": submitted_concern.version,
            "graduated_response": "misconduct",
            "risk_rating": "high",
            "sections": [],
        },
        format="json",
    )
    assert _fields(response) == {"sections": ["Confirm at least one section."]}


def test_a_description_too_long_gets_the_forms_message(api, guidance, reporter):
    response = api(reporter).post("/api/v1/concerns/", {"description": "x" * 10_001}, format="json")
    assert _fields(response)["description"] == [
        "Please keep the description under 10000 characters (it is 10001). "
        "Attach longer material as a PDF."
    ]


def test_a_wrong_version_gets_the_forms_message(api, submitted_concern, hr_manager):
    response = api(hr_manager).post(
        f"/api/v1/concerns/{submitted_concern.pk}/actions/start_triage/",
        {"version": "latest"},
        format="json",
    )
    assert _fields(response) == {"version": ["Enter a whole number."]}


def test_a_finding_is_checked_by_the_forms_field_and_named_findings(
    api, investigating_concern, investigator
):
    section = investigating_concern.findings.get().section_id
    url = f"/api/v1/concerns/{investigating_concern.pk}/findings/"
    body = {"version": investigating_concern.version}
    client = api(investigator)

    wrong = client.post(
        url, {**body, "findings": [{"section": section, "finding": "maybe"}]}, format="json"
    )
    assert _fields(wrong) == {
        "findings": ["Select a valid choice. maybe is not one of the available choices."]
    }
    for shapeless in ({"section": section}, [{"section": section}], [section]):
        response = client.post(url, {**body, "findings": shapeless}, format="json")
        assert _fields(response) == {
            "findings": ["Give findings as a list of objects, each with a section and a finding."]
        }


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "0001-01-01T00:00:00+14:00"])
def test_a_capture_time_that_cannot_be_stored_is_refused(api, media, draft_concern, reporter, when):
    response = api(reporter).post(
        f"/api/v1/concerns/{draft_concern.pk}/evidence/",
        {"file": png_upload(), "captured_at": when, "relevance": RELEVANCE},
        format="multipart",
    )
    assert _fields(response) == {
        "captured_at": ["Enter a date and time, for example 14/03/2026 09:30."]
    }
    assert not Evidence.objects.exists()


def test_a_capture_time_before_social_media_is_refused_with_the_reason(
    api, media, draft_concern, reporter
):
    """Found by the schema test: a year-470 time came back with a local offset in seconds
    ("+09:39:52"), which is not a standard date-time."""
    response = api(reporter).post(
        f"/api/v1/concerns/{draft_concern.pk}/evidence/",
        {"file": png_upload(), "captured_at": "0470-09-06T12:00:00+00:00", "relevance": RELEVANCE},
        format="multipart",
    )
    assert _fields(response) == {
        "captured_at": ["The capture time can't be before 1990: check the year."]
    }
    assert not Evidence.objects.exists()


def test_an_iso_capture_time_with_its_offset_is_kept(api, media, draft_concern, reporter):
    response = api(reporter).post(
        f"/api/v1/concerns/{draft_concern.pk}/evidence/",
        {"file": png_upload(), "captured_at": "2026-03-14T09:30:15+11:00", "relevance": RELEVANCE},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    evidence = Evidence.objects.get()
    assert evidence.captured_at.isoformat() == "2026-03-13T22:30:15+00:00"
