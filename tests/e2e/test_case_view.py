"""The concern page as HR works from it, in a real browser: confirmation dialogs, the lock
at the decision stage, a failed save, the keyboard alone, axe and screenshots at desktop,
tablet and phone widths.

Run: pytest tests/e2e/test_case_view.py --browser chromium (see tests/e2e/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from guidance.models import CodeSection
from incidents.casework import services as casework
from incidents.models import Concern, Status
from tests.e2e.test_journey import AXE_JS, AXE_PATH, run_axe, tab_to
from tests.factories import RIGHTS, make_concern, rights_answers

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": 1366, "tablet": 1024, "phone": 390}


def _at_triage(people) -> Concern:
    hr = people["hr_manager"]
    concern = make_concern(people["reporter"])
    concern = casework.concern_act(
        concern=concern, actor=hr, action="start_triage", expected_version=concern.version
    )
    return casework.concern_assign(
        concern=concern, actor=hr, assignee=people["investigator"], expected_version=None
    )


def _investigating(people, *, ready: bool = False) -> Concern:
    hr = people["hr_manager"]
    concern = _at_triage(people)
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
        actor=people["investigator"],
        action="start_investigation",
        expected_version=concern.version,
        inputs=RIGHTS,
    )
    if ready:  # fairness steps and findings recorded: it can be sent for decision
        today = timezone.localdate()
        concern = casework.concern_record_fairness(
            concern=concern,
            actor=people["investigator"],
            data=casework.FairnessData(
                today - dt.timedelta(days=10), today - dt.timedelta(days=3), None
            ),
            expected_version=concern.version,
        )
        concern = casework.concern_record_findings(
            concern=concern,
            actor=people["investigator"],
            data=casework.FindingsData(
                {row.section_id: "substantiated" for row in concern.findings.all()},
                "formal_warning",
                "Post removed; warning issued.",
                rights=rights_answers(),
            ),
            expected_version=concern.version,
        )
    return concern


def _status(concern: Concern) -> str:
    return Concern.objects.values_list("status", flat=True).get(pk=concern.pk)


def _open(page: Page, label: str):
    page.get_by_role("button", name=label, exact=True).click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    return dialog


def test_a_confirmation_dialog_cancelled_changes_nothing_and_confirmed_applies(
    signed_in, live_server, people, shots
):
    concern = _at_triage(people)
    page = signed_in(people["hr_manager"], viewport={"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/concerns/{concern.pk}/")

    dialog = _open(page, "Dismiss")
    expect(dialog).to_contain_text("This dismisses the concern without an investigation")
    dialog.get_by_label("Reason").fill("Not a conduct matter: the post is about a sports team.")
    shots.take(page, "dismiss-dialog")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.locator("dialog[open]")).to_have_count(0)
    page.reload()
    expect(page.locator("h1 + .badge")).to_have_text("Triage")
    assert _status(concern) == Status.TRIAGE

    dialog = _open(page, "Dismiss")
    dialog.get_by_label("Reason").fill("Not a conduct matter: the post is about a sports team.")
    dialog.get_by_label("I understand what this will do").check()
    dialog.get_by_role("button", name="Dismiss").click()
    expect(page.locator("h1 + .badge")).to_have_text("Dismissed")
    expect(page.get_by_role("status").first).to_contain_text("was dismissed")
    assert _status(concern) == Status.DISMISSED
    shots.take(page, "dismissed")


def test_sending_for_decision_locks_the_investigation_until_it_is_returned(
    signed_in, live_server, people, shots
):
    concern = _investigating(people, ready=True)
    url = f"{live_server.url}/concerns/{concern.pk}/"
    investigator = signed_in(people["investigator"])
    investigator.goto(url)
    expect(investigator.get_by_role("button", name="Record findings and outcome")).to_be_visible()
    investigator.get_by_role("button", name="Send for decision").click()
    expect(investigator.locator("h1 + .badge")).to_have_text("Decision")
    expect(investigator.locator("#investigation-locked")).to_contain_text("locked")
    for label in ("Record findings and outcome", "Record fairness steps"):
        expect(investigator.get_by_role("button", name=label)).to_have_count(0)
    shots.take(investigator, "locked-at-decision")

    hr = signed_in(people["hr_manager"])
    hr.goto(url)
    dialog = _open(hr, "Return to investigation")
    dialog.get_by_label("Reason").fill("Please record the employee's response first.")
    dialog.get_by_role("button", name="Return to investigation").click()
    expect(hr.locator("h1 + .badge")).to_have_text("Investigation")

    investigator.reload()
    expect(investigator.locator("#investigation-locked")).to_have_count(0)
    expect(investigator.get_by_role("button", name="Record findings and outcome")).to_be_visible()


def test_a_failed_save_comes_back_open_with_its_error_summary_first(
    signed_in, live_server, people, shots
):
    concern = _investigating(people)
    page = signed_in(people["investigator"])
    page.goto(f"{live_server.url}/concerns/{concern.pk}/")
    dialog = _open(page, "Record fairness steps")
    future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    dialog.get_by_label("Employee told of the allegations on").fill(future)
    dialog.get_by_role("button", name="Save fairness steps").click()

    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    summary = dialog.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("This date can't be in the future.")
    # The summary comes before the fields, and what was typed is still there.
    assert summary.evaluate(
        "(box) => !!(box.compareDocumentPosition(document.querySelector("
        "'#id_fairness_allegation_notified_on')) & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    expect(dialog.get_by_label("Employee told of the allegations on")).to_have_value(future)
    shots.take(page, "fairness-error-summary")
    summary.get_by_role("link").click()
    expect(dialog.get_by_label("Employee told of the allegations on")).to_be_focused()


def test_an_action_by_keyboard_alone(signed_in, live_server, people, shots):
    concern = _at_triage(people)
    page = signed_in(people["hr_manager"])
    page.goto(f"{live_server.url}/concerns/{concern.pk}/")
    page.locator("body").focus()

    opener = "button.btn-outline-danger[aria-haspopup='dialog']"
    tab_to(page, opener)
    expect(page.locator(":focus")).to_have_text("Dismiss")
    page.keyboard.press("Enter")
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("dialog[open]")).to_have_count(0)
    expect(page.locator(":focus")).to_have_text("Dismiss")  # back where it was

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    tab_to(page, "#id_dismiss_reason")
    page.keyboard.type("Logged twice; the other concern is being handled.")
    tab_to(page, "#id_dismiss_confirm")
    page.keyboard.press("Space")
    tab_to(page, "dialog[open] button[type='submit']")
    shots.take(page, "keyboard-dismiss")
    page.keyboard.press("Enter")
    expect(page.locator("h1 + .badge")).to_have_text("Dismissed")
    assert _status(concern) == Status.DISMISSED


def test_without_javascript_each_action_is_a_page_of_its_own(signed_in, live_server, people, shots):
    """The forms are not on the concern page: without JavaScript an action's button is a
    link to its form alone, which sends and comes back to the concern."""
    concern = _at_triage(people)
    page = signed_in(people["hr_manager"], java_script_enabled=False)
    page.goto(f"{live_server.url}/concerns/{concern.pk}/")
    expect(page.locator("dialog")).to_have_count(0)
    page.get_by_role("link", name="Dismiss", exact=True).click()
    expect(page.get_by_role("heading", name="Dismiss")).to_be_visible()
    page.get_by_label("Reason").fill("Logged twice; the other concern is being handled.")
    page.get_by_label("I understand").check()
    shots.take(page, "dismiss-without-javascript")
    page.get_by_role("button", name="Dismiss", exact=True).click()
    expect(page.locator("h1 + .badge")).to_have_text("Dismissed")
    assert _status(concern) == Status.DISMISSED


def test_the_case_view_passes_axe_and_fits_desktop_tablet_and_phone(
    browser, live_server, people, shots
):
    """axe at 1366 and 390 px (no serious or critical finding), with an action dialog open
    too, and full-page screenshots at 1366, 1024 and 390 px."""
    base = live_server.url
    concern = _investigating(people)
    for index in range(3):
        casework.note_add(
            concern=concern, actor=people["investigator"], text=f"Spoke to the manager ({index})."
        )
    axe_source = AXE_JS.read_text()
    problems = []
    for name, width in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.route(
            base + AXE_PATH,
            lambda route: route.fulfill(
                status=200, content_type="application/javascript", body=axe_source
            ),
        )
        page = context.new_page()
        page.goto(f"{base}/accounts/sign-in/")
        page.fill("#id_username", people["investigator"].username)
        page.fill("#id_password", "pass")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/concerns/{concern.pk}/")
        # Nothing wider than the screen (a phone must not scroll sideways).
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than the screen"
        shots.take(page, f"case-{name}-{width}")
        if width != 1024:
            for label, violations in (
                ("page", run_axe(page, base)),
                ("dialog", _axe_with_dialog(page, base)),
            ):
                problems += [
                    {"where": f"{name} {label}", **v}
                    for v in violations
                    if v["impact"] in ("serious", "critical")
                ]
            shots.take(page, f"case-{name}-{width}-dialog")
        context.close()
    if problems:
        print(json.dumps(problems, indent=2))
    assert not problems, "axe found serious/critical violations:\n" + "\n".join(
        f"- {p['where']}: {p['id']} ({p['impact']}) {p['help']}" for p in problems
    )


def _axe_with_dialog(page: Page, base: str) -> list[dict]:
    _open(page, "Record fairness steps")
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help}));
        }"""
    )
