"""Demo organisation and people for the embedded default (`make run`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from accounts.models import BusinessUnit, Organisation, Role, RoleGrant, User

# Printed for local demos only; load_demo refuses to run with DEBUG off.
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    position: str
    unit: str | None
    roles: tuple[str, ...]
    organisation: str = "demo"
    is_staff: bool = False
    # A colleague who logged some of the demo's past concerns: no password, not a sign-in.
    sign_in: bool = True


DEMO_ORGANISATIONS = {
    "demo": (
        "Department of Demonstration Services",
        ["Community Programs", "Corporate Services", "Policy and Strategy"],
    ),
    "other": ("Other Agency (outsider)", ["Operations"]),
}

DEMO_PEOPLE = (
    DemoPerson(
        "reporter", "Riley", "Nguyen", "Team Leader", "Community Programs", (Role.REPORTER,)
    ),
    DemoPerson(
        "investigator",
        "Ines",
        "Papadopoulos",
        "HR Investigator",
        "Corporate Services",
        (Role.INVESTIGATOR,),
    ),
    DemoPerson(
        "hrmanager",
        "Hamish",
        "O'Connor",
        "Manager, Employee Relations",
        "Corporate Services",
        (Role.HR_MANAGER,),
    ),
    # A second HR manager: whoever investigates a concern cannot approve its outcome, so an
    # organisation with one HR manager could never close what that person investigated.
    DemoPerson(
        "hrmanager2",
        "Grace",
        "Adeyemi",
        "Senior Adviser, Employee Relations",
        "Corporate Services",
        (Role.HR_MANAGER,),
    ),
    DemoPerson("executive", "Eleanor", "Walsh", "Deputy Secretary", None, (Role.EXECUTIVE,)),
    DemoPerson(
        "admin",
        "Ari",
        "Kaur",
        "Systems Administrator",
        "Corporate Services",
        (Role.ADMINISTRATOR,),
        is_staff=True,
    ),
    DemoPerson("analyst", "Sasha", "Ivanova", "Sector Analyst", None, (Role.SECTOR_ANALYST,)),
    DemoPerson(
        "outsider",
        "Oscar",
        "Lindqvist",
        "Team Leader",
        "Operations",
        (Role.REPORTER, Role.HR_MANAGER),
        organisation="other",
    ),
    # Other managers of the demo organisation who logged concerns over the past year, so
    # the reporter's own list stays the size of one person's and the trends have a year.
    DemoPerson(
        "pwright",
        "Priya",
        "Wright",
        "Manager, Family Services",
        "Community Programs",
        (Role.REPORTER,),
        sign_in=False,
    ),
    DemoPerson(
        "dmurphy",
        "Daniel",
        "Murphy",
        "Director, Policy",
        "Policy and Strategy",
        (Role.REPORTER,),
        sign_in=False,
    ),
    DemoPerson(
        "lhoang",
        "Linh",
        "Hoang",
        "Manager, Communications",
        "Corporate Services",
        (Role.REPORTER,),
        sign_in=False,
    ),
)


# Administrators manage people and reference data in the admin, never case content.
ADMIN_APPS = ("accounts", "guidance", "django_celery_beat")
# Plus the retention periods: reference data, unlike the schedules, holds and register;
# the periods and wording for possible public interest disclosures; the Charter prompts
# and the review period (issue 19); and the letter templates (wording, never a letter).
ADMIN_MODELS = (
    ("records", "retentionrule"),
    ("incidents", "disclosurepolicy"),
    ("incidents", "decisionduties"),
    ("incidents", "lettertemplate"),
)


def administrators_group() -> Group:
    group, _ = Group.objects.get_or_create(name="Administrators")
    allowed = Q(content_type__app_label__in=ADMIN_APPS)
    for app_label, model in ADMIN_MODELS:
        allowed |= Q(content_type__app_label=app_label, content_type__model=model)
    group.permissions.set(Permission.objects.filter(allowed))
    return group


@transaction.atomic
def load_demo_people() -> list[tuple[DemoPerson, User]]:
    organisations = {}
    units = {}
    for key, (name, unit_names) in DEMO_ORGANISATIONS.items():
        organisation, _ = Organisation.objects.get_or_create(
            short_name=f"{key}-org", defaults={"name": name}
        )
        organisations[key] = organisation
        for unit_name in unit_names:
            units[(key, unit_name)], _ = BusinessUnit.objects.get_or_create(
                organisation=organisation, name=unit_name
            )
    created = []
    for person in DEMO_PEOPLE:
        user, _ = User.objects.update_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@example.org",
                "position": person.position,
                "organisation": organisations[person.organisation],
                "business_unit": units.get((person.organisation, person.unit)),
                "is_staff": person.is_staff,
                "is_active": True,
            },
        )
        # A second run changes nothing: the password is set only when it does not match.
        if not person.sign_in:
            if user.has_usable_password():
                user.set_unusable_password()
                user.save(update_fields=["password"])
        elif not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        for role in person.roles:
            RoleGrant.objects.get_or_create(user=user, role=role)
        if person.is_staff:
            user.groups.add(administrators_group())
        created.append((person, user))
    return created
