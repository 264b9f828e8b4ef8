"""Browser end-to-end tests: Playwright (pytest-playwright) driving Debian's Chromium
against pytest-django's live server.

Chromium is never downloaded (`playwright install` cannot reach its CDN here): the tests use
the system browser at CHROMIUM_PATH (default /usr/bin/chromium). Without it the e2e tests are
skipped locally and fail under CI=true, so CI cannot pass by silently running nothing.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from accounts.models import Role
from tests.factories import BusinessUnitFactory, OrganisationFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; without this every ORM call
# made by the test itself raises SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "e2e"
PASSWORD = "pass"  # tests.factories.UserFactory's password


def _chromium_missing_reason() -> str | None:
    path = Path(CHROMIUM_PATH)
    if path.is_file() and os.access(path, os.X_OK):
        return None
    return (
        f"Chromium not found at {CHROMIUM_PATH} (set CHROMIUM_PATH, or `apt-get install "
        "chromium`); the browser tests need a system Chromium and never download one."
    )


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    reason = _chromium_missing_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, _require_chromium):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM_PATH,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(autouse=True)
def _e2e_settings(settings, tmp_path):
    """Plain static storage (no collectstatic manifest needed) and a throwaway media root.

    pytest-django's live server wraps the app in Django's StaticFilesHandler whenever
    django.contrib.staticfiles is installed, so CSS and JS come from the finders.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")


class Screenshots:
    """Numbered full-page screenshots: test-artifacts/e2e/<test>/<n>-<step>.png."""

    def __init__(self, test_name: str):
        self.directory = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name).strip("_")
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def take(self, page, step: str) -> Path:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.directory / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request) -> Screenshots:
    return Screenshots(request.node.name)


def sign_in(browser, live_server, user, **context_options):
    """A fresh browser context (one per person), signed in through the real form."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page


@pytest.fixture
def signed_in(browser, live_server):
    """sign_in(user) -> page; closes every context it opened."""
    contexts = []

    def _sign_in(user, **context_options):
        context, page = sign_in(browser, live_server, user, **context_options)
        contexts.append(context)
        return page

    yield _sign_in
    for context in contexts:
        context.close()


@pytest.fixture
def people(guidance):
    """One organisation with a business unit and a person per role, plus an outsider."""
    org = OrganisationFactory(name="Department of Examples", short_name="examples")
    unit = BusinessUnitFactory(organisation=org, name="Community Programs")
    other = OrganisationFactory(name="Other Agency", short_name="other")
    return {
        "reporter": UserFactory(
            username="reporter", organisation=org, business_unit=unit, roles=[Role.REPORTER]
        ),
        "hr_manager": UserFactory(username="hrmanager", organisation=org, roles=[Role.HR_MANAGER]),
        "investigator": UserFactory(
            username="investigator", organisation=org, roles=[Role.INVESTIGATOR]
        ),
        "executive": UserFactory(username="executive", organisation=org, roles=[Role.EXECUTIVE]),
        "outsider": UserFactory(username="outsider", organisation=other, roles=list(Role.values)),
    }
