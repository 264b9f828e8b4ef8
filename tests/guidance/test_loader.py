from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from guidance.loader import DEFAULT_CONTENT, GuidanceContentError, load_guidance, read_content
from guidance.models import CodeEdition, CodeSection, Definition, Origin, PlatformCategory

pytestmark = pytest.mark.django_db

NAMED_SECTIONS = {
    "2.2": "Remaining apolitical",
    "3.5": "Making public comment",
    "3.9": "Public trust",
    "5.3": "Work resources",
    "5.4": "Open to scrutiny",
    "6.1": "Fair and objective treatment",
    "6.2": "Privacy and confidentiality",
    "6.4": "Equity and diversity",
}


def _snapshot():
    return (
        list(CodeSection.objects.values_list("pk", "code", "title", "summary").order_by("pk")),
        list(PlatformCategory.objects.values_list("pk", "code", "name").order_by("pk")),
        list(Definition.objects.values_list("pk", "code", "text").order_by("pk")),
    )


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "guidance.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_content_matches_the_sections_named_in_the_guidance():
    load_guidance()
    sections = dict(CodeSection.objects.values_list("code", "title"))
    assert sections == NAMED_SECTIONS
    assert CodeSection.objects.filter(named_in_guidance=True).count() == 8
    edition = CodeEdition.objects.get()
    assert edition.title == "Code of Conduct for Victorian Public Sector Employees (No 1) 2007"
    assert edition.is_current


def test_content_has_the_nine_platform_categories_and_the_defined_terms():
    load_guidance()
    names = list(PlatformCategory.objects.values_list("name", flat=True))
    assert len(names) == 9
    assert names[0] == "Social networking sites"
    assert "Email and instant messaging" in names
    assert set(Definition.objects.values_list("code", flat=True)) >= {
        "social-media",
        "official-use",
        "private-use",
    }


def test_loading_twice_gives_the_same_rows():
    load_guidance()
    first = _snapshot()
    report = load_guidance()
    assert _snapshot() == first
    assert not any(k.endswith(("created", "updated", "deleted")) for k in report.counts)


def test_a_changed_file_updates_rows_in_place_by_code(tmp_path):
    load_guidance()
    pk = CodeSection.objects.get(code="3.5").pk
    data = read_content()
    data["sections"][1]["summary"] = "A reworded summary."
    load_guidance(_write(tmp_path, data))
    section = CodeSection.objects.get(code="3.5")
    assert section.pk == pk
    assert section.summary == "A reworded summary."
    assert CodeSection.objects.count() == 8


def test_a_section_removed_from_the_file_is_deleted_when_unused(tmp_path):
    load_guidance()
    data = read_content()
    data["sections"] = [s for s in data["sections"] if s["code"] != "5.4"]
    report = load_guidance(_write(tmp_path, data))
    assert not CodeSection.objects.filter(code="5.4").exists()
    assert report.counts["code section deleted"] == 1


def test_sections_added_by_administrators_are_left_alone():
    load_guidance()
    edition = CodeEdition.objects.get()
    CodeSection.objects.create(
        edition=edition,
        code="3.2",
        title="Added locally",
        summary="s",
        social_media_meaning="m",
        origin=Origin.ADMIN,
    )
    load_guidance()
    added = CodeSection.objects.get(code="3.2")
    assert added.title == "Added locally" and added.is_active


def test_sections_sort_numerically():
    load_guidance()
    edition = CodeEdition.objects.get()
    CodeSection.objects.create(
        edition=edition, code="3.10", title="t", summary="s", social_media_meaning="m"
    )
    codes = list(CodeSection.objects.filter(code__startswith="3.").values_list("code", flat=True))
    assert codes == ["3.5", "3.9", "3.10"]


def test_malformed_file_is_refused_with_the_place_named(tmp_path):
    data = read_content()
    del data["sections"][2]["title"]
    with pytest.raises(GuidanceContentError, match=r"sections\[2\]: missing title"):
        load_guidance(_write(tmp_path, data))
    assert CodeSection.objects.count() == 0  # nothing half-loaded


def test_command_reports_errors_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sections: [oops")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("load_guidance", file=bad)


def test_default_content_file_is_in_the_repository():
    assert DEFAULT_CONTENT.exists()
