"""A concern's whole life in a real browser, an accessibility audit, and keyboard-only intake.

Run: pytest tests/e2e --browser chromium (see tests/e2e/conftest.py for the Chromium set-up).
The live server runs in a thread with its own database connection, hence transaction=True.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from incidents.models import Concern, Status
from tests.factories import make_concern

pytestmark = pytest.mark.django_db(transaction=True)

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
# Served from the app's own origin through page.route (see test_accessibility).
AXE_PATH = "/__e2e__/axe.min.js"
REFERENCE = re.compile(r"SMC-\d{4}-\d{5}")
SECTION = "6.2 Privacy and confidentiality"
PLATFORM = "Social networking sites"
DESCRIPTION = (
    "A staff member posted a photo of a client file on their public Facebook page, "
    "with the client's name readable."
)
REPORTER_MESSAGE = "Thank you for raising this. HR has dealt with it and the matter is closed."


def png_bytes() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), "white")
    ImageDraw.Draw(image).text((10, 10), "Screenshot of the post", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def open_panel(page: Page, label: str):
    """Open one of the concern page's action forms by its button; the open dialog."""
    page.get_by_role("button", name=label, exact=True).click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    return dialog


def action_form(page: Page, label: str):
    """The form of one workflow action ("What you can do next"), found by its button."""
    return page.locator("form", has=page.get_by_role("button", name=label, exact=True))


def open_concern_from_queue(page: Page, reference: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Concerns").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Concerns in")
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(reference)


def test_concern_journey(signed_in, live_server, people, shots):
    today = timezone.localdate()
    base = live_server.url

    # --- Step 1: the reporter logs a concern with a screenshot -----------------------------
    reporter = signed_in(people["reporter"])
    shots.take(reporter, "reporter-home")
    # Static files are served by the live server: Bootstrap's CSS is applied.
    expect(reporter.locator(".skip-link")).to_have_css("position", "absolute")
    reporter.get_by_role("link", name="Log a concern").first.click()
    expect(reporter.get_by_role("heading", level=1)).to_have_text(
        "Log a social media conduct concern"
    )
    reporter.fill("#id_occurred_on", (today - dt.timedelta(days=3)).isoformat())
    reporter.fill("#id_description", DESCRIPTION)
    # htmx (a static JS file) posts the description and shows the live suggestion.
    expect(reporter.locator("#section-suggestions")).to_contain_text(SECTION, timeout=10_000)
    reporter.select_option("#id_platform_category", label=PLATFORM)
    reporter.fill("#id_platform_name", "Facebook")
    reporter.fill("#id_subject_name", "Jordan Example")
    reporter.fill("#id_subject_position", "Case Officer")
    reporter.get_by_label(SECTION).check()
    shots.take(reporter, "reporter-intake-filled")
    reporter.get_by_role("button", name="Save and review").click()
    expect(reporter.get_by_role("heading", level=1)).to_have_text("Review and submit")
    expect(reporter.get_by_role("status").first).to_contain_text("Draft saved")

    reporter.set_input_files(
        "#id_file",
        files=[{"name": "screenshot.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    reporter.get_by_role("button", name="Attach").click()
    expect(reporter.get_by_role("status").first).to_contain_text("Attached screenshot.png")
    expect(reporter.get_by_role("link", name="screenshot.png")).to_be_visible()
    shots.take(reporter, "reporter-review-with-screenshot")
    reporter.get_by_role("button", name="Submit concern").click()

    message = reporter.get_by_role("status").first
    expect(message).to_contain_text("Your concern has been logged as SMC-")
    reference = REFERENCE.search(message.inner_text()).group(0)
    assert reference.startswith(f"SMC-{today:%Y}-")
    concern = Concern.objects.get(reference=reference)
    assert concern.evidence.count() == 1
    concern_url = f"{base}/concerns/{concern.pk}/"
    shots.take(reporter, "reporter-submitted")

    reporter.get_by_role("link", name="My concerns").first.click()
    row = reporter.locator(".my-concerns > li", has_text=reference)
    expect(row).to_contain_text("Received")
    shots.take(reporter, "reporter-my-concerns-submitted")

    # --- Step 2: the HR manager triages and assigns ----------------------------------------
    hr = signed_in(people["hr_manager"])
    open_concern_from_queue(hr, reference)
    shots.take(hr, "hr-concern-submitted")
    action_form(hr, "Start triage").get_by_role("button", name="Start triage").click()
    expect(hr.locator("h1 + .badge")).to_have_text("Triage")

    triage = open_panel(hr, "Record triage")
    triage.get_by_label("Response chosen").select_option(
        label="Informal resolution (conversation, training)"
    )
    triage.get_by_label("Risk rating").select_option(label="Medium")
    triage.get_by_label(SECTION).check()
    triage.get_by_role("button", name="Save triage").click()
    expect(hr.get_by_text("Informal resolution (conversation, training)").first).to_be_visible()

    assign = open_panel(hr, "Assign")
    assign.get_by_label("Investigator").select_option(label=people["investigator"].display_name)
    assign.get_by_role("button", name="Assign").click()
    expect(hr.locator("#case-assignee")).to_contain_text(people["investigator"].display_name)
    shots.take(hr, "hr-triaged-and-assigned")

    # --- Step 3: the investigator investigates and sends it for decision -------------------
    investigator = signed_in(people["investigator"])
    open_concern_from_queue(investigator, reference)
    action_form(investigator, "Start investigation").get_by_role(
        "button", name="Start investigation"
    ).click()
    expect(investigator.locator("h1 + .badge")).to_have_text("Investigation")

    fairness = open_panel(investigator, "Record fairness steps")
    fairness.get_by_label("Employee told of the allegations on").fill(
        (today - dt.timedelta(days=8)).isoformat()
    )
    fairness.get_by_label("Their response is due by").fill(
        (today - dt.timedelta(days=1)).isoformat()
    )
    fairness.get_by_role("button", name="Save fairness steps").click()
    expect(investigator.locator("dd", has_text="; response due")).to_be_visible()

    findings = open_panel(investigator, "Record findings and outcome")
    findings.get_by_label(SECTION).select_option(label="Partly substantiated")
    findings.get_by_label("Action taken").select_option(label="Training")
    findings.get_by_label("Outcome summary (HR only)").fill(
        "The post was removed the same day; the employee completed privacy training."
    )
    # A partly substantiated finding limits the employee's rights: Charter s 38.
    findings.get_by_label("Freedom of expression (Charter s 15)").fill(
        "A personal account, but the post named clients of the employee's own program."
    )
    findings.get_by_label("Privacy and reputation (Charter s 13)").fill(
        "Only the public post was collected; the outcome stays with HR."
    )
    findings.get_by_label("Why any limit is reasonable and proportionate (Charter s 7(2))").fill(
        "Training is the least step that protects the clients' privacy."
    )
    findings.get_by_role("button", name="Save findings").click()
    expect(investigator.get_by_text(f"{SECTION}: Partly substantiated")).to_be_visible()
    shots.take(investigator, "investigator-findings-recorded")
    send = action_form(investigator, "Send for decision").get_by_role(
        "button", name="Send for decision"
    )
    expect(send).to_be_enabled()
    send.click()
    expect(investigator.locator("h1 + .badge")).to_have_text("Decision")
    shots.take(investigator, "investigator-sent-for-decision")

    # --- Step 4: the HR manager approves and closes -----------------------------------------
    hr.goto(concern_url)
    close = open_panel(hr, "Approve and close")
    close.get_by_label(re.compile("Message for the person who logged it")).fill(REPORTER_MESSAGE)
    close.get_by_label("I understand what this will do").check()
    close.get_by_role("button", name="Approve and close").click()
    expect(hr.locator("h1 + .badge")).to_have_text("Closed")
    shots.take(hr, "hr-closed")

    # --- Step 5: the reporter sees the outcome ----------------------------------------------
    reporter.get_by_role("link", name="My concerns").first.click()
    row = reporter.locator(".my-concerns > li", has_text=reference)
    expect(row).to_contain_text("Finished")
    row.get_by_role("link", name="Jordan Example").click()
    expect(reporter.get_by_role("region", name="What HR would like you to know")).to_contain_text(
        REPORTER_MESSAGE
    )
    shots.take(reporter, "reporter-sees-closed")

    # --- Step 6: an executive sees counts only, never the concern ---------------------------
    executive = signed_in(people["executive"])
    executive.get_by_role("link", name="Trends").first.click()
    expect(executive.get_by_role("heading", level=1)).to_contain_text("trends")
    months = executive.locator('section[aria-labelledby="panel-months"]')
    # One concern this month: small-cell suppression shows it as "<5", never as 1.
    hidden = f"<{settings.REPORT_SMALL_CELL_THRESHOLD}"
    month_label = f"{concern.submitted_at.astimezone(timezone.get_current_timezone()):%b %Y}"
    expect(months.get_by_role("row", name=month_label)).to_contain_text(hidden)
    expect(months.locator("tfoot tr")).to_have_text(re.compile(rf"Total\s*{re.escape(hidden)}"))
    assert reference not in executive.content()
    shots.take(executive, "executive-trends")
    response = executive.goto(concern_url)
    assert response.status == 404

    # --- Step 7: someone from another organisation gets nothing -----------------------------
    outsider = signed_in(people["outsider"])
    response = outsider.goto(concern_url)
    assert response.status == 404
    assert reference not in outsider.content()
    shots.take(outsider, "outsider-404")

    concern.refresh_from_db()
    assert concern.status == Status.CLOSED


# --- Accessibility ------------------------------------------------------------------------


def run_axe(page: Page, base: str) -> list[dict]:
    """Inject axe-core from the app's own origin (CSP stays on) and run it."""
    page.wait_for_load_state("networkidle")
    page.add_script_tag(url=base + AXE_PATH)
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(
                    n => ({target: n.target, html: n.html, summary: n.failureSummary})
                ),
            }));
        }"""
    )


def _dismissed_and_due(concern, hr_manager):
    """A concern dismissed at triage whose retention period is over: on the disposal list."""
    from incidents.casework import services as casework
    from records import services as records
    from records.models import RetentionSchedule

    for action, inputs in (("start_triage", {}), ("dismiss", {"reason": "Not a conduct matter."})):
        concern.refresh_from_db()
        casework.concern_act(
            concern=concern,
            actor=hr_manager,
            action=action,
            expected_version=concern.version,
            inputs=inputs,
        )
    RetentionSchedule.objects.filter(concern=concern).update(
        disposal_due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    records.list_due_disposals()
    return concern


def test_accessibility(browser, live_server, people, shots):
    """axe-core on the main pages: no violation of impact serious or critical.

    The pages send `Content-Security-Policy: script-src 'self'`, which blocks an inline
    script (what add_script_tag(path=...) injects). Rather than switch CSP off for the
    context (bypass_csp=True), axe is requested from a path on the app's own origin and
    page.route answers that request with the vendored file, so the audit sees the pages
    exactly as users get them, CSP included.
    """
    base = live_server.url
    draft = make_concern(people["reporter"], submit=False)
    submitted = make_concern(people["reporter"], subject_name="Sam Example")
    due = _dismissed_and_due(make_concern(people["reporter"]), people["hr_manager"])
    axe_source = AXE_JS.read_text()

    def open_as(user):
        context = browser.new_context()
        context.route(
            base + AXE_PATH,
            lambda route: route.fulfill(
                status=200, content_type="application/javascript", body=axe_source
            ),
        )
        page = context.new_page()
        if user is not None:
            page.goto(f"{base}/accounts/sign-in/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", "pass")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/")
        return context, page

    pages = [
        (None, "sign-in", "/accounts/sign-in/"),
        ("reporter", "home", "/"),
        ("reporter", "intake-form", "/concerns/new/"),
        ("reporter", "review", f"/concerns/{draft.pk}/review/"),
        ("reporter", "my-concerns", "/concerns/mine/"),
        ("hr_manager", "queue", "/concerns/"),
        ("hr_manager", "concern", f"/concerns/{submitted.pk}/"),
        ("executive", "dashboard", "/reports/"),
        ("reporter", "guidance", "/guidance/"),
        ("hr_manager", "disposal-list", "/records/disposal/"),
        ("hr_manager", "closed-concern", f"/concerns/{due.pk}/"),
        ("hr_manager", "disposal-register", "/records/register/"),
    ]
    contexts: dict = {}
    problems = []
    try:
        for who, name, path in pages:
            if who not in contexts:
                contexts[who] = open_as(people[who] if who else None)
            page = contexts[who][1]
            response = page.goto(base + path)
            assert response.status == 200, f"{name}: HTTP {response.status}"
            shots.take(page, name)
            for violation in run_axe(page, base):
                if violation["impact"] in ("serious", "critical"):
                    problems.append({"page": f"{name} ({path})", **violation})
    finally:
        for context, _ in contexts.values():
            context.close()
    if problems:
        print(json.dumps(problems, indent=2))
    assert not problems, "axe found serious/critical violations:\n" + "\n".join(
        f"- {p['page']}: {p['id']} ({p['impact']}) {p['help']} — "
        + "; ".join(f"{n['target']} {n['html'][:120]}" for n in p["nodes"][:5])
        for p in problems
    )


# --- Keyboard only ------------------------------------------------------------------------


def tab_to(page: Page, selector: str, *, limit: int = 120) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_intake_form_with_keyboard_only(signed_in, live_server, people, shots):
    page = signed_in(people["reporter"])
    page.goto(f"{live_server.url}/concerns/new/")
    page.locator("body").focus()

    tab_to(page, "#id_description")
    page.keyboard.type(DESCRIPTION)

    tab_to(page, "#id_platform_category")
    # A focused, closed <select> takes type-ahead in Chromium.
    page.keyboard.type("Social")
    expect(page.locator("#id_platform_category option:checked")).to_have_text(PLATFORM)

    tab_to(page, "#id_platform_name")
    page.keyboard.type("Facebook")

    checkbox = page.get_by_label(SECTION)
    checkbox_id = checkbox.get_attribute("id")
    tab_to(page, f"#{checkbox_id}")
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()
    shots.take(page, "keyboard-filled")

    tab_to(page, 'input[type="submit"][value="Save and review"], button[name="save"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review and submit")
    shots.take(page, "keyboard-review")

    concern = Concern.objects.get(reporter=people["reporter"])
    assert concern.description == DESCRIPTION
    assert concern.platform_category.name == PLATFORM
    assert [s.code for s in concern.reported_sections.all()] == ["6.2"]
