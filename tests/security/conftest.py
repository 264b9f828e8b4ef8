"""Fixtures the security tests share: concerns at each stage of the workflow, made
through the real services, and a throwaway media folder for anything stored."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def png_upload(name: str = "screenshot.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def assigned_concern(submitted_concern, hr_manager, investigator):
    from incidents import handling

    return handling.concern_assign(
        concern=submitted_concern, actor=hr_manager, assignee=investigator, expected_version=None
    )


@pytest.fixture
def triage_concern(assigned_concern, hr_manager):
    from incidents import handling

    return handling.concern_act(
        concern=assigned_concern,
        actor=hr_manager,
        action="start_triage",
        expected_version=assigned_concern.version,
    )


@pytest.fixture
def investigating_concern(triage_concern, hr_manager, investigator):
    from guidance.models import CodeSection
    from incidents import handling

    concern = handling.concern_record_triage(
        concern=triage_concern,
        actor=hr_manager,
        data=handling.TriageData(
            "misconduct", "medium", list(CodeSection.objects.filter(code="6.2"))
        ),
        expected_version=triage_concern.version,
    )
    return handling.concern_act(
        concern=concern,
        actor=investigator,
        action="start_investigation",
        expected_version=concern.version,
    )
