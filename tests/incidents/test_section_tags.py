"""The derived (concern, section) table behind the section filters.

Database triggers keep `SectionTag` equal to the union of the reported and the confirmed
sections, whichever path writes them; these tests run on SQLite locally and on
PostgreSQL in CI (each has its own triggers).
"""

import pytest

from guidance.models import CodeSection
from incidents.casework import services as casework
from incidents.intake import services as intake
from incidents.models import Concern, ConfirmedSection, ReportedSection, SectionTag
from tests.factories import concern_data, make_concern

pytestmark = pytest.mark.django_db(transaction=True)


def _tags(concern) -> set[str]:
    return set(SectionTag.objects.filter(concern=concern).values_list("section__code", flat=True))


def _union(concern) -> set[str]:
    reported = ReportedSection.objects.filter(concern=concern)
    confirmed = ConfirmedSection.objects.filter(concern=concern)
    return set(reported.values_list("section__code", flat=True)) | set(
        confirmed.values_list("section__code", flat=True)
    )


@pytest.fixture
def sections(guidance):
    return {s.code: s for s in CodeSection.objects.current()}


def test_tags_follow_the_reporters_choice_through_draft_edits(reporter, sections):
    concern = make_concern(reporter, submit=False, sections=[sections["3.5"], sections["6.2"]])
    assert _tags(concern) == {"3.5", "6.2"}

    intake.concern_update_draft(
        concern=concern,
        actor=reporter,
        data=concern_data(sections=[sections["6.2"], sections["3.9"]]),
        expected_version=concern.version,
    )

    assert _tags(concern) == {"6.2", "3.9"} == _union(concern)


def test_tags_follow_triage_and_keep_a_pair_while_either_side_carries_it(
    reporter, hr_manager, sections
):
    concern = make_concern(reporter, sections=[sections["3.5"]])
    casework.concern_record_triage(
        concern=concern,
        actor=hr_manager,
        data=casework.TriageData(
            graduated_response="misconduct",
            risk_rating="low",
            sections=[sections["3.5"], sections["6.2"]],
        ),
        expected_version=Concern.objects.get(pk=concern.pk).version,
    )
    assert _tags(concern) == {"3.5", "6.2"}

    # HR drops 3.5 from its confirmed set: the reporter still chose it, so it stays.
    casework.concern_record_triage(
        concern=concern,
        actor=hr_manager,
        data=casework.TriageData(
            graduated_response="misconduct", risk_rating="low", sections=[sections["6.2"]]
        ),
        expected_version=Concern.objects.get(pk=concern.pk).version,
    )
    assert _tags(concern) == {"3.5", "6.2"} == _union(concern)

    ReportedSection.objects.filter(concern=concern).delete()
    assert _tags(concern) == {"6.2"}


def test_a_changed_row_moves_its_tag(reporter, sections):
    concern = make_concern(reporter, sections=[sections["3.5"]])
    ReportedSection.objects.filter(concern=concern).update(section=sections["3.9"])
    assert _tags(concern) == {"3.9"}
