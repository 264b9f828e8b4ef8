"""Section suggestions learn from the sections each organisation's HR confirms."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from guidance.models import CodeSection
from incidents.intake import learning
from incidents.models import Concern, ConfirmedSection
from tests.factories import make_concern

# The organisation's own shorthand: its "daybook" is the case log, so HR confirms privacy
# and confidentiality (6.2) whenever someone posts it. The rules do not know the word.
DAYBOOK = [
    "Posted a page of the daybook on her Instagram story.",
    "He shared two daybook pages in the footy club group chat.",
    "Photo of the open daybook on the counter went up on Facebook.",
    "She put the daybook entries for Tuesday on her TikTok.",
    "Daybook screenshot on a public Reddit thread, posted by one of ours.",
    "Shared the daybook in a WhatsApp group with friends.",
    "He uploaded scans of the daybook to his personal blog.",
    "The daybook was photographed and posted to a community noticeboard page.",
    "Posted daybook pages to Snapchat, tagged the office.",
    "A copy of the daybook ended up on her public Facebook page.",
    "He posted the daybook summary on X to complain about his workload.",
    "Put a daybook extract in a LinkedIn post about a busy week.",
]
OTHERS = [
    ("Urged his followers to vote Greens at the election, from the unit's page.", "2.2"),
    ("Streamed games on Twitch all afternoon from the work laptop.", "5.3"),
    ("Called a colleague names about her religion in the team chat.", "6.4"),
    ("Deleted the official page's posts and kept no record of them.", "5.4"),
    ("Rude reply from the council account to a resident asking about bins.", "6.1"),
    ("Drunk photos in uniform on his public Instagram.", "3.9"),
    ("Told a journalist the program is failing, without approval.", "3.5"),
    ("Sent a colleague sexual messages on Instagram after she said no.", "6.4"),
    ("Used the office computer for her online shop during work hours.", "5.3"),
    ("Posted abusive comments in a public argument, profile names the agency.", "3.9"),
    ("Campaign material for a candidate on the department's Facebook page.", "2.2"),
    ("Answered a ratepayer sarcastically on the official page.", "6.1"),
]
PROBE = "Someone posted the daybook on a Facebook group."


@pytest.fixture
def models_dir(settings, tmp_path):
    settings.SUGGESTION_MODEL_DIR = str(tmp_path / "models")
    return tmp_path / "models"


def confirmed(reporter, text: str, *codes: str) -> Concern:
    concern = make_concern(reporter, description=text)
    for code in codes:
        ConfirmedSection.objects.create(concern=concern, section=CodeSection.objects.get(code=code))
    return concern


def codes_for(org, text: str) -> list[str]:
    return [s.code for s in learning.suggest_for(org.pk, text)]


@pytest.mark.django_db
def test_a_new_installation_suggests_from_the_rules_alone(guidance, org, models_dir) -> None:
    report = learning.suggestion_model_train(organisation=org)
    assert report.kept is False
    assert not learning.model_path(org.pk).exists()
    assert learning.organisation_model(org.pk) is None
    assert "6.2" not in codes_for(org, PROBE)


@pytest.mark.django_db
def test_learning_improves_suggestions_after_hr_confirms_similar_concerns(
    guidance, org, other_org, reporter, models_dir
) -> None:
    assert "6.2" not in codes_for(org, PROBE)
    for text in DAYBOOK:
        confirmed(reporter, text, "6.2")
    for text, code in OTHERS:
        confirmed(reporter, text, code)

    report = learning.suggestion_model_train(organisation=org)

    assert report.kept and report.changed and report.examples == 24
    found = learning.suggest_for(org.pk, PROBE)
    privacy = next(s for s in found if s.code == "6.2")
    assert any("HR in your organisation" in r and '"daybook"' in r for r in privacy.reasons)
    # Another organisation's suggestions do not learn from this one's HR.
    assert "6.2" not in codes_for(other_org, PROBE)


@pytest.mark.django_db
def test_training_twice_on_the_same_concerns_writes_nothing_new(
    guidance, org, reporter, models_dir
) -> None:
    for text in DAYBOOK[:6]:
        confirmed(reporter, text, "6.2")
    for text, code in OTHERS[:6]:
        confirmed(reporter, text, code)
    assert learning.suggestion_model_train(organisation=org).changed
    path = learning.model_path(org.pk)
    before = path.stat().st_mtime_ns, path.read_bytes()
    assert not learning.suggestion_model_train(organisation=org).changed
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


@pytest.mark.django_db
def test_the_model_file_holds_weights_over_ngrams_and_no_names_or_descriptions(
    guidance, org, reporter, models_dir
) -> None:
    # The subject of every concern (tests.factories) is "Jordan Example".
    for text in DAYBOOK:
        confirmed(reporter, text.replace("Posted", "Jordan Example posted"), "6.2")
    for text, code in OTHERS:
        confirmed(reporter, f"{text} Jordan did it again.", code)
    learning.suggestion_model_train(organisation=org)

    stored = json.loads(learning.model_path(org.pk).read_text())
    assert set(stored) == {"format", "examples", "fingerprint", "sections"}
    raw = json.dumps(stored).lower()
    assert "jordan" not in raw and "jord" not in raw
    for text in DAYBOOK + [t for t, _ in OTHERS]:
        assert text.lower()[:30] not in raw
    for section in stored["sections"].values():
        assert all(gram[:2] in ("w:", "c:") for gram in section["weights"])


@pytest.mark.django_db
def test_a_disposed_concerns_words_leave_the_next_model(
    guidance, org, reporter, models_dir
) -> None:
    for text in DAYBOOK[:10]:
        confirmed(reporter, text, "6.2")
    for text, code in OTHERS:
        confirmed(reporter, text, code)
    leaving = [
        confirmed(reporter, "Posted the zanzibar ledger on Facebook.", "6.2"),
        confirmed(reporter, "The zanzibar ledger went up on Instagram.", "6.2"),
    ]
    learning.suggestion_model_train(organisation=org)
    assert "w:zanzibar" in learning.model_path(org.pk).read_text()

    Concern.objects.filter(pk=leaving[0].pk).update(disposed_at=timezone.now())
    learning.suggestion_model_train(organisation=org)

    stored = learning.model_path(org.pk).read_text()
    assert "zanzibar" not in stored
    assert all(gram not in stored for gram in ("c: zan", "c:zanz", "c:ziba"))


@pytest.mark.django_db
def test_restricted_concerns_are_never_learned_from(guidance, org, reporter, models_dir) -> None:
    for text in DAYBOOK[:10]:
        confirmed(reporter, text, "6.2")
    for text, code in OTHERS:
        confirmed(reporter, text, code)
    for text in ("Posted the quokka register online.", "The quokka register is on X."):
        restricted = confirmed(reporter, text, "6.2")
        Concern.objects.filter(pk=restricted.pk).update(restricted=True)

    examples = learning.training_examples(org)
    learning.suggestion_model_train(organisation=org)

    assert all("quokka" not in example.text for example in examples)
    assert "quokka" not in learning.model_path(org.pk).read_text()


@pytest.mark.django_db
def test_the_nightly_job_trains_every_organisation(
    guidance, org, other_org, reporter, models_dir, settings
) -> None:
    from incidents.tasks import train_suggestion_models

    for text in DAYBOOK:
        confirmed(reporter, text, "6.2")
    for text, code in OTHERS:
        confirmed(reporter, text, code)
    assert train_suggestion_models() == 1
    assert learning.model_path(org.pk).exists()
    assert not learning.model_path(other_org.pk).exists()
    assert train_suggestion_models() == 0
    jobs = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "incidents.tasks.train_suggestion_models" in jobs


@pytest.mark.django_db
def test_an_unreadable_model_file_falls_back_to_the_rules(guidance, org, models_dir) -> None:
    path = learning.model_path(org.pk)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert learning.organisation_model(org.pk) is None
    assert codes_for(org, "Urged people to vote Labor at the election.")[0] == "2.2"
