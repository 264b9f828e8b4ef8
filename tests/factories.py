import factory

from accounts.models import BusinessUnit, Organisation, RoleGrant, ServiceIdentity, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("short_name",)

    name = factory.Sequence(lambda n: f"Department {n}")
    short_name = factory.Sequence(lambda n: f"dept-{n}")


class BusinessUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessUnit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_AU")
    last_name = factory.Faker("last_name", locale="en_AU")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", "pass")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        for role in extracted or ():
            RoleGrant.objects.get_or_create(user=self, role=role)


class ServiceIdentityFactory(factory.django.DjangoModelFactory):
    """A system's account (an HR system, a BI tool): no password, its own roles."""

    class Meta:
        model = ServiceIdentity
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"service{n}")
    first_name = "HR system"
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        for role in extracted or ():
            RoleGrant.objects.get_or_create(user=self, role=role)


def png_upload(name: str = "screenshot.png"):
    """A small real PNG, as a browser would upload it."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def concern_data(**overrides):
    """A complete intake, as a reporter would fill it in."""
    import datetime as dt

    from guidance.models import CodeSection, PlatformCategory
    from incidents.intake.services import ConcernData

    values = {
        "occurred_on": dt.date(2026, 3, 14),
        "description": "A staff member posted a photo of a client file on their public "
        "Facebook page.",
        "platform_category": PlatformCategory.objects.get(code="social-networking"),
        "platform_name": "Facebook",
        "use_context": "private",
        "links": ["https://www.facebook.com/some.post/123"],
        "subject_name": "Jordan Example",
        "subject_position": "Case Officer",
        "sections": list(CodeSection.objects.filter(code="6.2")),
    }
    values.update(overrides)
    return ConcernData(**values)


def make_concern(reporter, *, submit: bool = True, **overrides):
    """A concern made through the real services, so it carries its events."""
    from incidents.intake import services as intake

    concern = intake.concern_create_draft(reporter=reporter, data=concern_data(**overrides))
    if submit:
        concern = intake.concern_submit(
            concern=concern, actor=reporter, expected_version=concern.version
        )
    return concern


# The Charter consideration (s 38) a decision that limits the employee's rights needs: as an
# action's inputs (RIGHTS) or with the findings (rights_answers()).
RIGHTS = {
    "rights_expression": "Posted on a private account, but about the employee's own team.",
    "rights_privacy": "Only the post itself was collected; the outcome stays within HR.",
    "rights_proportionality": "A warning protects trust in the team and is the least step.",
}


def rights_answers():
    from incidents.charter import Answers

    return Answers.of(RIGHTS)


def send_for_decision(concern, actor):
    """An investigating concern with fairness steps and findings recorded by `actor`, who
    then sends it for decision: through the real services, so it carries its events."""
    import datetime as dt

    from django.utils import timezone

    from incidents.casework import services as casework

    today = timezone.localdate()
    concern = casework.concern_record_fairness(
        concern=concern,
        actor=actor,
        data=casework.FairnessData(
            today - dt.timedelta(days=10), today - dt.timedelta(days=3), None
        ),
        expected_version=concern.version,
    )
    concern = casework.concern_record_findings(
        concern=concern,
        actor=actor,
        data=casework.FindingsData(
            {row.section_id: "substantiated" for row in concern.findings.all()},
            "formal_warning",
            "Post removed; warning issued.",
            rights=rights_answers(),
        ),
        expected_version=concern.version,
    )
    return casework.concern_act(
        concern=concern, actor=actor, action="propose_decision", expected_version=concern.version
    )
