"""Who may produce a case file: a possible public interest disclosure produces one for no
one but its coordinator; disposal takes case files with it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from incidents.casefile.options import CaseFileOptions
from incidents.casefile.services import case_file_start
from incidents.models import CaseFileJob
from incidents.permissions import can_produce_case_file
from tests.factories import UserFactory, make_concern

from .conftest import download, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(org):
    person = UserFactory(username="coord", organisation=org, roles=[Role.INVESTIGATOR])
    org.pid_coordinator = person
    org.save()
    return person


def test_a_restricted_concern_produces_a_case_file_for_its_coordinator_alone(
    client, guidance, media, reporter, hr_manager, coordinator, executive, administrator
):
    concern = make_concern(reporter, possible_pid="yes")
    assert concern.restricted
    url = reverse("incidents:case_file_new", args=[concern.pk])
    for person in (hr_manager, reporter, executive, administrator):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"purpose": "foi"}).status_code == 404
    assert not CaseFileJob.objects.exists()

    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert "restricted as a possible public interest disclosure" in page
    # Its details and the reporter's identity are left out unless the coordinator says not.
    assert 'value="disclosure_details"' in page
    ticked = set(re.findall(r'<input[^>]*name="leave_out"[^>]*value="(\w+)"[^>]*checked', page))
    assert ticked == {"reporter_identity", "disclosure_details"}


def test_the_disclosures_details_left_out_are_not_in_the_pdf(
    client, guidance, media, reporter, coordinator, django_capture_on_commit_callbacks
):
    concern = make_concern(reporter, possible_pid="yes", description="Alleges bribery by Ms Q.")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("incidents:case_file_new", args=[concern.pk]),
            {"purpose": "integrity_referral", "leave_out": ["disclosure_details"]},
        )
    job = CaseFileJob.objects.get()
    content = download(client, job)
    text = " ".join(" ".join(pdf_text(content)).split())
    assert "bribery" not in text and b"bribery" not in content
    assert "facebook.com" not in text
    assert "[left out: the details of the possible public interest disclosure]" in text


def test_with_no_coordinator_named_the_hr_managers_may(guidance, reporter, hr_manager):
    concern = make_concern(reporter, possible_pid="yes")
    assert can_produce_case_file(hr_manager, concern)


def test_an_investigator_who_may_only_look_at_it_in_the_queue_is_refused(
    client, submitted_concern, investigator
):
    client.force_login(investigator)
    url = reverse("incidents:case_file_new", args=[submitted_concern.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"purpose": "foi"}).status_code == 403


def test_the_employee_concerned_gets_404(client, guidance, org, reporter):
    employee = UserFactory(
        username="jordan",
        first_name="Jordan",
        last_name="Example",
        organisation=org,
        roles=[Role.HR_MANAGER],
    )
    concern = make_concern(reporter)  # about "Jordan Example"
    client.force_login(employee)
    assert client.get(reverse("incidents:case_file_new", args=[concern.pk])).status_code == 404


def test_another_persons_case_file_is_404(client, guidance, media, reporter, hr_manager, org):
    concern = make_concern(reporter)
    job = case_file_start(concern=concern, actor=hr_manager, options=CaseFileOptions(purpose="foi"))
    other_manager = UserFactory(username="hr2", organisation=org, roles=[Role.HR_MANAGER])
    client.force_login(other_manager)
    for name in ("incidents:case_file_job", "incidents:case_file_download"):
        assert client.get(reverse(name, args=[concern.pk, job.pk])).status_code == 404
