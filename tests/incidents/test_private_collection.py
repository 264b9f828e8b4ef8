"""Collection from private accounts and the collection notice (issue 19): a file from an
employee's private account needs the reporter's reason, kept with it and shown to HR
beside it; the organisation's notice is on the intake form and in the access-request
export."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.collection_notice import DEFAULT_COLLECTION_NOTICE
from incidents.models import Evidence
from tests.factories import make_concern, png_upload
from tests.incidents.test_intake_views import form_data

pytestmark = pytest.mark.django_db


def _upload(client, concern, **fields):
    data = {"file": png_upload("profile.png"), "post_deleted": "unsure", **fields}
    return client.post(reverse("incidents:evidence_upload", args=[concern.pk]), data)


def test_private_use_asks_why_and_reminds_not_to_search(client, guidance, reporter, media):
    draft = make_concern(reporter, submit=False, use_context="private")
    client.force_login(reporter)
    page = client.get(reverse("incidents:review", args=[draft.pk])).content.decode()
    assert "search through someone" in page and "Information Privacy Principles" in page
    assert "needed: you said this was private use" in page


def test_a_private_file_without_a_reason_is_kept_and_the_reason_asked_for(
    client, guidance, reporter, media
):
    draft = make_concern(reporter, submit=False, use_context="private")
    client.force_login(reporter)
    response = _upload(client, draft, captured_url="https://example.com/post/1")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say why this material from a private account is relevant" in body
    assert "https://example.com/post/1" in body  # what was typed comes back
    assert "We kept" in body or "profile.png" in body  # the file is kept for the next try
    assert not Evidence.objects.exists()


def test_the_reason_is_kept_with_the_file_and_shown_to_hr_beside_it(
    client, guidance, reporter, hr_manager, media
):
    draft = make_concern(reporter, submit=False, use_context="private")
    client.force_login(reporter)
    response = _upload(client, draft, relevance="It names our agency and a client.")
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.private_account is True
    assert evidence.relevance == "It names our agency and a client."
    client.post(reverse("incidents:submit", args=[draft.pk]), {"version": draft.version})
    client.force_login(hr_manager)
    page = client.get(reverse("incidents:detail", args=[draft.pk])).content.decode()
    assert "From a private account" in page
    assert "It names our agency and a client." in page


def test_official_use_needs_no_reason_unless_the_reporter_says_it_is_private(
    client, guidance, reporter, media
):
    draft = make_concern(reporter, submit=False, use_context="official")
    client.force_login(reporter)
    assert _upload(client, draft).status_code == 302
    assert Evidence.objects.get().private_account is False
    ticked = _upload(client, draft, private_account="on")
    assert ticked.status_code == 400
    assert "Say why this material" in ticked.content.decode()
    assert (
        _upload(client, draft, private_account="on", relevance="Shared at work.").status_code == 302
    )
    assert Evidence.objects.filter(private_account=True).count() == 1


def test_a_reason_given_for_an_official_file_is_not_kept(client, guidance, reporter, media):
    draft = make_concern(reporter, submit=False, use_context="official")
    client.force_login(reporter)
    assert _upload(client, draft, relevance="Typed by mistake").status_code == 302
    assert Evidence.objects.get().relevance == ""


def test_a_file_added_after_submitting_asks_too(client, guidance, reporter, media):
    concern = make_concern(reporter, use_context="private")
    client.force_login(reporter)
    url = reverse("incidents:add_information", args=[concern.pk])
    refused = client.post(url, {"file": png_upload(), "post_deleted": "no", "note": "More."})
    assert refused.status_code == 400
    assert "Say why this material" in refused.content.decode()
    assert "More." in refused.content.decode()
    note_only = client.post(url, {"note": "A note alone.", "post_deleted": "no"})
    assert note_only.status_code == 302  # no file, nothing collected from an account
    added = client.post(
        url, {"file": png_upload(), "post_deleted": "no", "relevance": "Sent to the team."}
    )
    assert added.status_code == 302
    assert Evidence.objects.get(addition__isnull=False).relevance == "Sent to the team."


# --- The collection notice --------------------------------------------------------------


def test_the_intake_form_shows_the_default_notice(client, guidance, reporter):
    client.force_login(reporter)
    page = client.get(reverse("incidents:create")).content.decode()
    assert "How we handle the information you give" in page
    assert "only to look into this concern" in page


def test_an_organisation_words_its_own_notice(client, guidance, org, reporter):
    org.collection_notice = "Our own words about collection."
    org.save()
    client.force_login(reporter)
    page = client.get(reverse("incidents:create")).content.decode()
    assert "Our own words about collection." in page
    assert "only to look into this concern" not in page
    # Kept when the form comes back with a mistake.
    bad = client.post(reverse("incidents:create"), form_data(occurred_on="2999-01-01"))
    assert bad.status_code == 400
    assert "Our own words about collection." in bad.content.decode()


def test_the_access_request_export_carries_the_notice_and_the_measures(
    client, guidance, org, reporter, hr_manager, media
):
    from incidents.casework import interim
    from incidents.intake import services as intake

    concern = make_concern(reporter, subject_name="Jordan Example", use_context="private")
    intake.evidence_add(
        concern=concern,
        actor=reporter,
        upload=png_upload(),
        private_account=True,
        relevance="It names the agency.",
    )
    import datetime as dt

    from django.utils import timezone

    interim.interim_measure_record(
        concern=concern,
        actor=hr_manager,
        data=interim.InterimData(
            kind="take_down",
            reason="Names a client.",
            starts_on=timezone.localdate(),
            review_on=timezone.localdate() + dt.timedelta(days=7),
        ),
    )
    client.force_login(hr_manager)
    response = client.get(reverse("incidents:person_export", args=[concern.subject_id]))
    document = json.loads(response.content)
    assert document["collection_notice"] == DEFAULT_COLLECTION_NOTICE
    exported = document["concerns"][0]
    assert exported["evidence"][0]["why_relevant"] == "It names the agency."
    assert exported["interim_measures"][0]["measure"] == "Asked to take a post down"
    org.collection_notice = "Our notice."
    org.save()
    again = json.loads(
        client.get(reverse("incidents:person_export", args=[concern.subject_id])).content
    )
    assert again["collection_notice"] == "Our notice."


def test_an_organisation_administrator_edits_the_notice_in_the_admin(client, org, administrator):
    from devtools.demo_people import administrators_group

    administrator.groups.add(administrators_group())  # the admin's model permissions
    client.force_login(administrator)
    page = client.get(reverse("admin:accounts_organisation_change", args=[org.pk]))
    assert page.status_code == 200
    assert 'name="collection_notice"' in page.content.decode()
