"""Writes go through services that validate, number, and leave an event for every change."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.db.models import ProtectedError

from audit.models import Event
from config.errors import Refused
from guidance.loader import load_guidance, read_content
from guidance.models import CodeSection
from incidents.intake import services as intake
from incidents.models import Concern, Person, Status
from tests.factories import concern_data, make_concern

pytestmark = pytest.mark.django_db


def test_submitting_issues_a_reference_per_organisation_and_year(guidance, reporter, outsider):
    first = make_concern(reporter)
    second = make_concern(reporter)
    other = make_concern(outsider)
    year = first.submitted_at.astimezone().year
    assert first.reference == f"SMC-{year}-00001"
    assert second.reference == f"SMC-{year}-00002"
    assert other.reference == f"SMC-{year}-00001"  # numbering is per organisation


def test_a_backdated_submission_takes_its_year_from_the_submission(guidance, reporter):
    concern = intake.concern_create_draft(reporter=reporter, data=concern_data())
    at = dt.datetime(2025, 6, 1, 10, tzinfo=dt.UTC)
    concern = intake.concern_submit(
        concern=concern, actor=reporter, expected_version=concern.version, at=at
    )
    assert concern.reference == "SMC-2025-00001"


def test_every_change_leaves_an_event_with_before_and_after(guidance, reporter):
    concern = intake.concern_create_draft(reporter=reporter, data=concern_data())
    concern = intake.concern_update_draft(
        concern=concern,
        actor=reporter,
        data=concern_data(description="Changed my mind about the wording."),
        expected_version=concern.version,
    )
    concern = intake.concern_submit(
        concern=concern, actor=reporter, expected_version=concern.version
    )
    kinds = list(Event.objects.filter(concern=concern).values_list("kind", flat=True))
    assert kinds == ["created", "updated", "status_changed", "reference_issued"]
    update = Event.objects.get(concern=concern, kind="updated")
    assert update.after == {"description": "Changed my mind about the wording."}
    assert "client file" in update.before["description"]
    change = Event.objects.get(concern=concern, kind="status_changed")
    assert change.before == {"status": "draft"}
    assert change.after == {"status": "submitted", "action": "submit"}
    assert change.actor == reporter


def test_every_status_change_left_an_event(guidance, reporter):
    for _ in range(3):
        make_concern(reporter)
    for concern in Concern.objects.exclude(status=Status.DRAFT):
        assert Event.objects.filter(
            concern=concern, kind="status_changed", after__status=concern.status
        ).exists()


def test_events_cannot_be_edited_or_deleted_through_the_app(guidance, reporter):
    event = Event.objects.filter(concern=make_concern(reporter)).first()
    event.kind = "tampered"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_an_incomplete_draft_cannot_be_submitted(guidance, reporter):
    concern = intake.concern_create_draft(
        reporter=reporter, data=concern_data(description="", subject_name="")
    )
    with pytest.raises(Refused, match=r"what you saw.*who it is about"):
        intake.concern_submit(concern=concern, actor=reporter, expected_version=1)
    concern.refresh_from_db()
    assert concern.status == Status.DRAFT and concern.reference == ""


def test_only_the_author_can_submit_a_draft(guidance, reporter, second_reporter):
    concern = make_concern(reporter, submit=False)
    with pytest.raises(Refused, match="not allowed"):
        intake.concern_submit(concern=concern, actor=second_reporter, expected_version=1)


def test_a_stale_version_is_refused_and_nothing_changes(guidance, reporter):
    concern = intake.concern_create_draft(reporter=reporter, data=concern_data())
    intake.concern_update_draft(
        concern=concern, actor=reporter, data=concern_data(platform_name="X"), expected_version=1
    )
    with pytest.raises(Refused, match="changed in another window"):
        intake.concern_update_draft(
            concern=concern,
            actor=reporter,
            data=concern_data(platform_name="LinkedIn"),
            expected_version=1,
        )
    concern.refresh_from_db()
    assert concern.platform_name == "X" and concern.version == 2


def test_submitted_concerns_cannot_be_edited_as_drafts(guidance, reporter):
    concern = make_concern(reporter)
    with pytest.raises(Refused):
        intake.concern_update_draft(
            concern=concern, actor=reporter, data=concern_data(), expected_version=concern.version
        )


def test_repeat_concerns_about_one_employee_share_a_person_record(guidance, reporter, unit):
    first = make_concern(reporter, subject_name="Jordan  Example", subject_business_unit=unit)
    second = make_concern(reporter, subject_name="jordan example")
    assert first.subject_id == second.subject_id
    assert Person.objects.count() == 1
    assert Person.objects.get().business_unit == unit


def test_the_same_name_in_another_organisation_is_another_person(guidance, reporter, outsider):
    make_concern(reporter)
    make_concern(outsider)
    assert Person.objects.count() == 2


def test_not_known_employee_has_no_person_record(guidance, reporter):
    concern = make_concern(reporter, subject_name="", subject_not_known=True)
    assert concern.subject is None and concern.subject_not_known


def test_reporter_and_hr_sections_are_kept_with_the_code_edition(guidance, reporter):
    concern = make_concern(reporter, sections=list(CodeSection.objects.filter(code__in=["2.2"])))
    assert [s.code for s in concern.reported_sections.all()] == ["2.2"]
    assert concern.code_edition.code == "vps-code-2007"


def test_a_section_that_concerns_point_at_is_never_deleted_by_the_loader(
    guidance, reporter, tmp_path
):
    import yaml

    make_concern(reporter, sections=list(CodeSection.objects.filter(code="5.4")))
    data = read_content()
    data["sections"] = [s for s in data["sections"] if s["code"] != "5.4"]
    path = tmp_path / "guidance.yaml"
    path.write_text(yaml.safe_dump(data))
    report = load_guidance(path)
    kept = CodeSection.objects.get(code="5.4")
    assert not kept.is_active
    assert "5.4 Open to scrutiny" in report.kept_in_use
    with pytest.raises(ProtectedError):
        kept.delete()
    load_guidance()  # restoring the file brings it back into use
    assert CodeSection.objects.get(code="5.4").is_active


def test_duplicate_hint_for_same_employee_and_link(guidance, reporter, second_reporter):
    from incidents.intake.selectors import possible_duplicates

    original = make_concern(reporter)
    mine = make_concern(reporter, submit=False, occurred_on=dt.date(2026, 1, 1))
    hint = possible_duplicates(mine, reporter)
    assert hint.visible_references == (original.reference,)
    theirs = make_concern(second_reporter, submit=False, occurred_on=dt.date(2026, 1, 1))
    hint = possible_duplicates(theirs, second_reporter)
    assert not hint  # someone else's concern is never hinted at


def test_duplicate_hint_within_fourteen_days_without_a_shared_link(guidance, reporter):
    from incidents.intake.selectors import possible_duplicates

    make_concern(reporter, links=[], occurred_on=dt.date(2026, 3, 1))
    near = make_concern(reporter, submit=False, links=[], occurred_on=dt.date(2026, 3, 14))
    far = make_concern(reporter, submit=False, links=[], occurred_on=dt.date(2026, 3, 20))
    assert possible_duplicates(near, reporter)
    assert not possible_duplicates(far, reporter)


def test_duplicate_hint_ignores_other_employees(guidance, reporter):
    from incidents.intake.selectors import possible_duplicates

    make_concern(reporter)
    other = make_concern(reporter, submit=False, subject_name="Someone Else")
    assert not possible_duplicates(other, reporter)


def test_links_match_loosely_for_duplicates():
    assert intake.normalise_url("https://www.Facebook.com/post/1/#c") == intake.normalise_url(
        "http://facebook.com/post/1"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_share_a_reference(guidance, reporter):
    """Eight submissions at once on PostgreSQL: eight distinct, consecutive numbers."""
    from tests import services as service_markers

    service_markers.require_postgres()
    drafts = [make_concern(reporter, submit=False) for _ in range(8)]
    barrier = threading.Barrier(len(drafts))
    errors = []

    def submit(concern):
        try:
            barrier.wait(timeout=10)
            intake.concern_submit(concern=concern, actor=reporter, expected_version=1)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    numbers = sorted(
        int(ref.rsplit("-", 1)[1]) for ref in Concern.objects.values_list("reference", flat=True)
    )
    assert numbers == list(range(1, 9))
