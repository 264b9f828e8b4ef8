"""Issue 19 in a real browser: an adverse finding recorded with its Charter consideration
(s 38), approved and closed, a review requested within the period, and the reviewer
varying the outcome; screenshots at 1366 and 390 px.

Run: pytest tests/e2e/test_charter_review.py --browser chromium (see tests/e2e/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from guidance.models import CodeSection
from incidents.casework import services as casework
from incidents.models import Concern, OutcomeReview, Status
from tests.e2e.test_journey import SECTION
from tests.factories import RIGHTS, UserFactory, make_concern

pytestmark = pytest.mark.django_db(transaction=True)


def _investigating(people) -> Concern:
    hr, investigator = people["hr_manager"], people["investigator"]
    concern = make_concern(people["reporter"])
    concern = casework.concern_act(
        concern=concern, actor=hr, action="start_triage", expected_version=concern.version
    )
    concern = casework.concern_assign(
        concern=concern, actor=hr, assignee=investigator, expected_version=None
    )
    concern = casework.concern_record_triage(
        concern=concern,
        actor=hr,
        data=casework.TriageData(
            "misconduct", "medium", list(CodeSection.objects.filter(code="6.2"))
        ),
        expected_version=concern.version,
    )
    concern = casework.concern_act(
        concern=concern,
        actor=investigator,
        action="start_investigation",
        expected_version=concern.version,
        inputs=RIGHTS,
    )
    today = timezone.localdate()
    return casework.concern_record_fairness(
        concern=concern,
        actor=investigator,
        data=casework.FairnessData(today - dt.timedelta(10), today - dt.timedelta(3), None),
        expected_version=concern.version,
    )


def _dialog(page: Page, label: str):
    page.get_by_role("button", name=label, exact=True).click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    return dialog


def _badge(page: Page):
    return page.locator("h1 + .badge")


def test_an_adverse_finding_with_its_charter_record_is_varied_on_review(
    signed_in, live_server, people, shots
):
    concern = _investigating(people)
    url = f"{live_server.url}/concerns/{concern.pk}/"
    reviewer = UserFactory(
        username="reviewer",
        first_name="Rae",
        last_name="Viewer",
        organisation=people["hr_manager"].organisation,
        roles=[Role.HR_MANAGER],
    )

    # The investigator finds the breach substantiated, with the Charter consideration.
    investigator = signed_in(people["investigator"], viewport={"width": 1366, "height": 900})
    investigator.goto(url)
    findings = _dialog(investigator, "Record findings and outcome")
    findings.get_by_label(SECTION).select_option(label="Substantiated")
    findings.get_by_label("Action taken").select_option(label="Formal warning")
    findings.get_by_label("Outcome summary (HR only)").fill(
        "The employee posted a client's file; a formal warning was issued."
    )
    findings.get_by_role("button", name="Save findings").click()
    # Refused next to the fields, with what was typed kept.
    findings = investigator.locator("#panel-findings")
    expect(findings).to_contain_text("Answer this: the decision limits the employee's rights")
    expect(findings.get_by_label("Outcome summary (HR only)")).to_have_value(
        "The employee posted a client's file; a formal warning was issued."
    )
    shots.take(investigator, "1366-findings-need-the-charter-record")
    findings.get_by_label("Freedom of expression (Charter s 15)").fill(
        "Posted on a personal account, but about the employee's own program and its clients."
    )
    findings.get_by_label("Privacy and reputation (Charter s 13)").fill(
        "Only the public post was collected. The outcome is known to HR and the manager."
    )
    findings.get_by_label("Why any limit is reasonable and proportionate (Charter s 7(2))").fill(
        "A client's privacy was breached; a warning is the least step that marks it."
    )
    findings.get_by_role("button", name="Save findings").click()
    expect(investigator.get_by_text(f"{SECTION}: Substantiated")).to_be_visible()
    duties = investigator.locator("#duties")
    expect(duties).to_contain_text("An adverse finding")
    expect(duties).to_contain_text("A disciplinary action")
    expect(duties).to_contain_text("Starting a formal investigation")
    shots.take(investigator, "1366-charter-record-on-the-page")
    investigator.get_by_role("button", name="Send for decision", exact=True).click()
    expect(_badge(investigator)).to_have_text("Decision")

    # The HR manager approves and closes: the outcome is issued, with the review period.
    manager = signed_in(people["hr_manager"], viewport={"width": 1366, "height": 900})
    manager.goto(url)
    close = _dialog(manager, "Approve and close")
    close.get_by_label("I understand what this will do").check()
    close.get_by_role("button", name="Approve and close").click()
    expect(_badge(manager)).to_have_text("Closed")
    due = OutcomeReview.objects.get(concern=concern).review_due_on
    expect(manager.locator("#outcome-review")).to_contain_text(f"{due:%-d %b %Y}")

    # The employee asks for a review; the manager records it, naming an eligible reviewer.
    request = _dialog(manager, "Record a request for review")
    options = request.get_by_label("Reviewer").locator("option")
    expect(options).to_have_text(["Choose…", "Rae Viewer"])  # not the decision-maker
    request.get_by_label("The employee asked for the review on").fill(
        timezone.localdate().isoformat()
    )
    request.get_by_label("Reviewer").select_option(label="Rae Viewer")
    shots.take(manager, "1366-request-for-review")
    request.get_by_role("button", name="Record the request").click()
    expect(_badge(manager)).to_have_text("Outcome under review")
    expect(manager.locator(".case-step-current")).to_contain_text("Outcome under review")
    expect(manager.locator("#review-withheld")).to_contain_text("You issued the outcome")

    # The reviewer varies it: partly substantiated, counselling.
    page = signed_in(reviewer, viewport={"width": 1366, "height": 900})
    page.goto(url)
    result = _dialog(page, "Record the review's result")
    result.get_by_label("Vary the outcome").check()
    result.get_by_label("Reasons for the result").fill(
        "The post was taken down within the hour and no client was named in full."
    )
    result.get_by_label(re.compile("Finding, as varied")).select_option(
        label="Partly substantiated"
    )
    result.get_by_label("Action, as varied").select_option(label="Counselling")
    fields = result.locator("label").all_inner_texts()
    assert fields.index("Action, as varied") > fields.index(
        next(text for text in fields if text.startswith("Finding, as varied"))
    )
    shots.take(page, "1366-review-result-dialog")
    result.get_by_role("button", name="Record the result").click()
    expect(_badge(page)).to_have_text("Closed")
    review = page.locator("#outcome-review")
    expect(review).to_contain_text("Varied")
    expect(review).to_contain_text("6.2: Substantiated")  # as issued
    expect(review).to_contain_text("6.2: Partly substantiated")  # as reviewed
    expect(page.get_by_text(f"{SECTION}: Partly substantiated")).to_be_visible()
    shots.take(page, "1366-varied-on-review")
    assert Concern.objects.get(pk=concern.pk).status == Status.CLOSED

    phone = signed_in(reviewer, viewport={"width": 390, "height": 844})
    phone.goto(url + "#duties")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    shots.take(phone, "390-varied-on-review")
