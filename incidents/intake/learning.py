"""Learning from HR: each organisation's section suggestions learn from what HR confirms.

* ``training_examples(organisation)`` reads what the organisation may learn from: concerns
  with confirmed sections that are neither restricted (possible public interest
  disclosures) nor disposed of. A concern restricted or disposed of since the last training
  is simply not read again, so its words leave the next model.
* ``suggestion_model_train(organisation=...)`` trains the model (``learned_model.train``)
  with the names of the organisation's people taken out of every description, and
  replaces the organisation's model file atomically (a temporary file, then a rename).
  Running it twice with the same data changes nothing; with too few examples it removes
  the file, so the rules decide alone.
* ``suggest_for(organisation_id, text, ...)`` is what the pages call: the rules and the
  shipped base model, blended with the organisation's model when there is one.

The nightly beat job (``incidents.tasks.train_suggestion_models``) calls the service for
every organisation. Models live in ``settings.SUGGESTION_MODEL_DIR``, one file per
organisation (``org-<id>.json``), holding weights over n-grams and no description.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.models import Organisation
from incidents.models import Concern, ConfirmedSection, Person

from . import learned_model
from .learned_model import Example, LearnedModel
from .suggestions import SECTION_CODES, Suggestion, SuggestionContext, suggest_sections
from .wording import words

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainingReport:
    organisation_id: int
    examples: int
    changed: bool
    kept: bool  # False when there were too few examples and no model is kept


def model_path(organisation_id: int) -> Path:
    return Path(settings.SUGGESTION_MODEL_DIR) / f"org-{int(organisation_id)}.json"


def training_examples(organisation: Organisation) -> list[Example]:
    """Descriptions with HR-confirmed sections that the organisation may learn from."""
    concerns = (
        Concern.objects.filter(
            organisation=organisation,
            restricted=False,
            disposed_at__isnull=True,
            findings__isnull=False,
        )
        .exclude(description="")
        .distinct()
        .order_by("pk")
        .values_list("pk", "description")
    )
    codes: dict[int, set[str]] = {}
    for concern_id, code in ConfirmedSection.objects.filter(
        concern__organisation=organisation
    ).values_list("concern_id", "section__code"):
        codes.setdefault(concern_id, set()).add(code)
    return [
        Example(text=description, codes=frozenset(codes[pk]))
        for pk, description in concerns
        if codes.get(pk)
    ]


def names_to_remove(organisation: Organisation) -> frozenset[str]:
    """Every word of the names of the organisation's people and staff, lower-cased."""
    names = list(
        Person.objects.filter(organisation=organisation).values_list("full_name", flat=True)
    )
    for first, last in (
        get_user_model()
        .objects.filter(organisation=organisation)
        .values_list("first_name", "last_name")
    ):
        names.append(f"{first} {last}")
    return frozenset(word for name in names for word in words(name).surface if len(word) > 1)


def _fingerprint(examples: list[Example], remove: frozenset[str]) -> str:
    digest = hashlib.sha256(f"format {learned_model.FORMAT}".encode())
    for example in examples:
        digest.update(example.text.encode())
        digest.update(",".join(sorted(example.codes)).encode())
    digest.update(" ".join(sorted(remove)).encode())
    return digest.hexdigest()


def _stored_fingerprint(path: Path) -> str | None:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError):
        return None


def _write_atomically(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(payload, stream, separators=(",", ":"))
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def suggestion_model_train(*, organisation: Organisation) -> TrainingReport:
    """Train the organisation's model from its confirmed concerns and store it atomically.

    Idempotent: when the examples are the same as for the stored model, nothing is written.
    With fewer than ``learned_model.MIN_EXAMPLES`` examples the model file is removed.
    """
    examples = training_examples(organisation)
    path = model_path(organisation.pk)
    if len(examples) < learned_model.MIN_EXAMPLES:
        existed = path.exists()
        path.unlink(missing_ok=True)
        _forget(organisation.pk)
        return TrainingReport(organisation.pk, len(examples), changed=existed, kept=False)
    remove = names_to_remove(organisation)
    fingerprint = _fingerprint(examples, remove)
    if _stored_fingerprint(path) == fingerprint:
        return TrainingReport(organisation.pk, len(examples), changed=False, kept=True)
    model = learned_model.train(
        examples, codes=SECTION_CODES, remove=remove, fingerprint=fingerprint
    )
    _write_atomically(path, model.as_dict())
    _forget(organisation.pk)
    logger.info(
        "Suggestion model for organisation %s trained on %s", organisation.pk, len(examples)
    )
    return TrainingReport(organisation.pk, len(examples), changed=True, kept=True)


def train_all_suggestion_models() -> int:
    """Train every organisation's model; returns how many models changed."""
    changed = 0
    for organisation in Organisation.objects.order_by("pk"):
        changed += suggestion_model_train(organisation=organisation).changed
    return changed


# --- reading models, cached per process until the file changes ------------------------------

_cache: dict[int, tuple[float, LearnedModel | None]] = {}


def _forget(organisation_id: int) -> None:
    _cache.pop(organisation_id, None)


def organisation_model(organisation_id: int | None) -> LearnedModel | None:
    """The organisation's stored model, or None (a new installation: rules alone)."""
    if organisation_id is None:
        return None
    path = model_path(organisation_id)
    try:
        stamp = path.stat().st_mtime
    except OSError:
        _forget(organisation_id)
        return None
    cached = _cache.get(organisation_id)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        model: LearnedModel | None = LearnedModel.from_dict(
            json.loads(path.read_text(encoding="utf-8"))
        )
    except (OSError, ValueError, KeyError, TypeError):
        logger.exception("Suggestion model %s cannot be read; using the rules alone", path)
        model = None
    _cache[organisation_id] = (stamp, model)
    return model


def suggest_for(
    organisation_id: int | None,
    text: str,
    *,
    context: SuggestionContext | None = None,
    limit: int | None = None,
) -> list[Suggestion]:
    """Section suggestions for a description, from the rules and the organisation's model."""
    kwargs = {} if limit is None else {"limit": limit}
    return suggest_sections(
        text, context=context, model=organisation_model(organisation_id), **kwargs
    )
