"""What the reporter reads about their own concerns, in words meant for them, and the
exchange between HR and the reporter as HR sees it beside the case."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.db.models.functions import Left

from incidents import permissions
from incidents.models import Concern, Evidence, ReporterAddition, ReporterQuestion, Status
from incidents.selectors import holds_none


@dataclass(frozen=True)
class PlainStatus:
    """A status as the reporter reads it: never an internal stage name."""

    key: str
    label: str
    explanation: str


RECEIVED = PlainStatus("received", "Received", "HR has your concern and will look at it soon.")
LOOKED_AT = PlainStatus(
    "looked_at",
    "Being looked at",
    "HR is reading your concern and deciding what should happen next.",
)
INVESTIGATED = PlainStatus(
    "investigated",
    "Being investigated",
    "HR is looking into the matter. This can take some weeks; you do not need to do "
    "anything unless HR asks you a question here.",
)
FINISHED = PlainStatus(
    "finished", "Finished", "HR has finished with this concern. Thank you for raising it."
)
WITHDRAWN = PlainStatus(
    "withdrawn", "Withdrawn", "You withdrew this concern, so HR will not look into it further."
)
DRAFT = PlainStatus(
    "draft", "Not sent yet", "This is a draft: HR cannot see it until you submit it."
)

PLAIN_STATUS = {
    Status.DRAFT: DRAFT,
    Status.SUBMITTED: RECEIVED,
    Status.TRIAGE: LOOKED_AT,
    Status.INVESTIGATION: INVESTIGATED,
    Status.DECISION: INVESTIGATED,
    Status.CLOSED: FINISHED,
    Status.REVIEW: FINISHED,  # the employee's review of the outcome, not the reporter's
    Status.DISMISSED: FINISHED,
    Status.REFERRED: FINISHED,
    Status.WITHDRAWN: WITHDRAWN,
}


# The plain statuses in the order a reporter would sort by: drafts, then the open ones
# from the newest stage to the furthest, then the finished and the withdrawn.
PLAIN_ORDER = Case(
    *(
        When(status=status, then=Value(rank))
        for rank, statuses in enumerate(
            (
                (Status.DRAFT,),
                (Status.SUBMITTED,),
                (Status.TRIAGE,),
                (Status.INVESTIGATION, Status.DECISION),
                (Status.CLOSED, Status.REVIEW, Status.DISMISSED, Status.REFERRED),
                (Status.WITHDRAWN,),
            )
        )
        for status in statuses
    ),
    output_field=IntegerField(),
)


def plain_status(concern: Concern) -> PlainStatus:
    return PLAIN_STATUS[Status(concern.status)]


def reporter_concern(concern: Concern) -> Concern:
    """The concern with what the reporter submitted, their additions and HR's questions,
    read in a fixed number of queries."""
    return (
        Concern.objects.select_related("platform_category", "subject", "subject__business_unit")
        .prefetch_related(
            "links",
            "reported_sections",
            Prefetch(
                "evidence",
                queryset=Evidence.objects.filter(addition__isnull=True),
                to_attr="submitted_evidence",
            ),
            Prefetch(
                "additions",
                queryset=ReporterAddition.objects.prefetch_related("evidence"),
            ),
            "questions",
        )
        .get(pk=concern.pk)
    )


def exchange_of(concern: Concern) -> list[dict]:
    """HR's questions and the reporter's additions, oldest first, for HR's page: one list
    of dated items (`kind` "question" or "addition")."""
    questions = (
        []
        if holds_none(concern, "questions")
        else ReporterQuestion.objects.filter(concern=concern).select_related("asked_by")
    )
    items = [{"kind": "question", "at": q.asked_at, "item": q, "files": ()} for q in questions]
    additions = (
        []
        if holds_none(concern, "additions")
        else list(ReporterAddition.objects.filter(concern=concern))
    )
    if additions:
        # The files come from the concern's evidence, which the page has already read.
        files: dict[int, list[Evidence]] = {}
        for item in concern.evidence.all():
            if item.addition_id is not None:
                files.setdefault(item.addition_id, []).append(item)
        items += [
            {"kind": "addition", "at": a.created_at, "item": a, "files": files.get(a.pk, ())}
            for a in additions
        ]
    return sorted(items, key=lambda row: row["at"])


OPENING_CHARS = 160  # enough for the first words; the whole text stays on its page


def my_concerns(user) -> QuerySet[Concern]:
    """The reporter's own concerns for their list: what identifies each one to them."""
    return (
        permissions.reported_by(user)
        .select_related("subject")
        .only(
            "pk",
            "reference",
            "status",
            "created_at",
            "updated_at",
            "submitted_at",
            "subject_not_known",
            "subject__full_name",
        )
        .annotate(opening=Left("description", OPENING_CHARS))
    )
