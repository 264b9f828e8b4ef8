from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property


class HolidayState(models.TextChoices):
    """The state or territory whose public holidays an organisation's working days skip."""

    VIC = "VIC", "Victoria"
    NSW = "NSW", "New South Wales"
    QLD = "QLD", "Queensland"
    SA = "SA", "South Australia"
    WA = "WA", "Western Australia"
    TAS = "TAS", "Tasmania"
    ACT = "ACT", "Australian Capital Territory"
    NT = "NT", "Northern Territory"


class Organisation(models.Model):
    """A department or agency. Case data never crosses organisations."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.SlugField(
        max_length=20, unique=True, help_text="Short identifier, e.g. dffh or vpsc."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Case handling policy (working days exclude Saturdays, Sundays and public holidays).
    holiday_state = models.CharField(
        "state for public holidays",
        max_length=3,
        choices=HolidayState.choices,
        default=HolidayState.VIC,
        help_text=(
            "Due dates counted in working days also skip this state's public holidays "
            "(incidents.working_days)."
        ),
    )
    triage_working_days = models.PositiveSmallIntegerField(default=5)
    investigation_days_low = models.PositiveSmallIntegerField(default=30)
    investigation_days_medium = models.PositiveSmallIntegerField(default=20)
    investigation_days_high = models.PositiveSmallIntegerField(default=10)
    investigation_days_critical = models.PositiveSmallIntegerField(default=5)
    decision_working_days = models.PositiveSmallIntegerField(default=10)
    decision_maker_must_differ = models.BooleanField(
        default=True, help_text="The person who closes a concern may not be its investigator."
    )
    pid_coordinator = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Sees possible public interest disclosures. Without one, HR managers do.",
    )
    second_approver = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=(
            "HR staff of this organisation who may also approve or return concerns at the "
            "decision stage (never one they took part in), so a concern investigated by "
            "the only HR manager can still be closed."
        ),
    )

    hr_require_phishing_resistant = models.BooleanField(
        "HR staff must use a passkey",
        default=False,
        help_text=(
            "HR investigators and HR managers confirm each sign-in with a passkey (a "
            "phishing-resistant factor), not a typed code or the identity provider's word."
        ),
    )
    # Signing in: an organisation whose people all sign in through its identity provider
    # turns local passwords off (accounts.oidc).
    local_passwords_allowed = models.BooleanField(
        "people may sign in with a password here",
        default=True,
        help_text=(
            "Untick once everyone signs in through the organisation's identity provider: "
            "the password form then refuses its people."
        ),
    )

    # What a reporter is told about collecting personal information (issue 19): on the
    # intake form and in the access-request export. Empty: the project's default words
    # (accounts.collection_notice.DEFAULT_COLLECTION_NOTICE).
    collection_notice = models.TextField(
        blank=True,
        help_text=(
            "Shown on the form for logging a concern and in the access-request export, in "
            "plain words: why the information is collected, who sees it and how to see it. "
            "Leave empty to use the default notice."
        ),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            # An unknown state would make every due date (and so every status change)
            # fail; the database refuses it, whichever way it is written.
            models.CheckConstraint(
                condition=models.Q(holiday_state__in=HolidayState.values),
                name="organisation_holiday_state_known",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def collection_notice_text(self) -> str:
        """The notice shown to people who give information (or the default words)."""
        from .collection_notice import collection_notice_for

        return collection_notice_for(self)

    def clean(self) -> None:
        super().clean()
        problems = {}
        for field, check in (
            ("pid_coordinator", pid_coordinator_problem),
            ("second_approver", second_approver_problem),
        ):
            problem = check(self, getattr(self, field))
            if problem:
                problems[field] = problem
        if problems:
            raise ValidationError(problems)

    def investigation_working_days(self, risk: str) -> int:
        return getattr(self, f"investigation_days_{risk}", self.investigation_days_medium)


def _hr_person_problem(organisation: Organisation, person: User | None, what: str) -> str | None:
    if person is None:
        return None
    if organisation.pk is None or person.organisation_id != organisation.pk:
        return f"The {what} must be a person of this organisation."
    if person.is_service_identity:
        return f"The {what} must be a person, not a system's account."
    if not person.is_active:
        return f"The {what}'s account is not active."
    if not person.has_role(Role.HR_MANAGER, Role.INVESTIGATOR):
        return f"The {what} must hold the HR investigator or HR manager role."
    return None


def second_approver_problem(organisation: Organisation, person: User | None) -> str | None:
    """Why `person` may not be the organisation's second approver, or None (also None for
    nobody). Only an active person (not a system's account) of this same organisation who
    holds an HR role there: another organisation's HR manager never counts, and people
    whose roles keep them from individual concerns (executives, administrators,
    reporters) are not given case records this way."""
    return _hr_person_problem(organisation, person, "second approver")


def pid_coordinator_problem(organisation: Organisation, person: User | None) -> str | None:
    """Why `person` may not coordinate the organisation's possible public interest
    disclosures, or None. The same rule as the second approver's: a coordinator of another
    organisation would leave a new restricted concern visible to nobody in its own."""
    return _hr_person_problem(organisation, person, "coordinator")


def hr_people_of(organisation_id: int | None):
    """The people who may be named coordinator or second approver: the organisation's
    own active HR staff (what the admin offers; the rules above decide)."""
    if organisation_id is None:
        return User.objects.none()
    return (
        User.objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            is_service_identity=False,
            role_grants__role__in=(Role.HR_MANAGER, Role.INVESTIGATOR),
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class BusinessUnit(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="business_units"
    )
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_unit_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    REPORTER = "reporter", "Reporter"
    INVESTIGATOR = "investigator", "HR investigator"
    HR_MANAGER = "hr_manager", "HR manager"
    EXECUTIVE = "executive", "Executive"
    ADMINISTRATOR = "administrator", "Administrator"
    SECTOR_ANALYST = "sector_analyst", "Sector analyst"
    # Organisations and identity providers of the whole installation (accounts.permissions).
    INSTALLATION_ADMINISTRATOR = "installation_admin", "Installation administrator"


# Roles only an installation administrator grants: they reach beyond one organisation.
INSTALLATION_GRANTED_ROLES = frozenset({Role.SECTOR_ANALYST, Role.INSTALLATION_ADMINISTRATOR})
# Roles that hand a person individual concerns: nobody grants one to themselves.
CASE_HANDLING_ROLES = frozenset({Role.INVESTIGATOR, Role.HR_MANAGER})


class User(AbstractUser):
    """A person who signs in. Belongs to one organisation and holds roles there."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    business_unit = models.ForeignKey(
        BusinessUnit, on_delete=models.SET_NULL, related_name="users", null=True, blank=True
    )
    position = models.CharField(max_length=200, blank=True)
    sso_subject = models.CharField(
        "identity provider subject",
        max_length=255,
        blank=True,
        help_text=(
            "Who this person is at the organisation's identity provider (its subject "
            "claim). Set at their first sign-in through it; people are found by it, within "
            "their own organisation only."
        ),
    )
    is_service_identity = models.BooleanField(
        "service identity",
        default=False,
        editable=False,
        help_text=(
            "An account for another system (an HR system, a BI tool), not a person: it has "
            "no password, cannot sign in to the web pages and uses the API only through "
            "tokens that an HR manager of its organisation makes."
        ),
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sso_subject"],
                condition=~models.Q(sso_subject=""),
                name="unique_sso_subject_per_organisation",
            )
        ]

    # For a service identity answering an API request: the HR manager who made the
    # request's token. Set by api.auth for that request only; the permission rules let
    # the request see only what both may see (accounts.permissions.answers_to).
    token_maker: User | None = None

    @cached_property
    def roles(self) -> frozenset[str]:
        """The roles held, read once per request: none when prefetched or read with the
        person (`with_roles`, as the session's person is), else one query."""
        if not self.is_active or self.pk is None:
            return frozenset()
        prefetched = "role_grants" in getattr(self, "_prefetched_objects_cache", {})
        if not prefetched and "granted_roles" in self.__dict__:
            return frozenset(filter(None, (self.granted_roles or "").split(",")))
        return frozenset(grant.role for grant in self.role_grants.all())

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def _get_session_auth_hash(self, secret=None) -> str:
        """Sessions are bound to the password and to the roles held.

        Django checks this hash on every request, so removing a role (or changing the
        password) ends every session of this person at once; deactivating them does too,
        because inactive users are not authenticated at all.
        """
        key_salt = "accounts.User.get_session_auth_hash"
        material = f"{self.password}|{','.join(sorted(self.roles))}"
        return salted_hmac(key_salt, material, secret=secret, algorithm="sha256").hexdigest()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class ServiceIdentityManager(UserManager):
    def get_queryset(self):
        return super().get_queryset().filter(is_service_identity=True)


class ServiceIdentity(User):
    """A system's account, managed by administrators on its own admin page."""

    objects = ServiceIdentityManager()

    class Meta:
        proxy = True
        verbose_name = "service identity"
        verbose_name_plural = "service identities"

    def save(self, *args, **kwargs):
        self.is_service_identity = True
        if self.pk is None or self.has_usable_password():
            self.set_unusable_password()
        super().save(*args, **kwargs)


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class SecurityEvent(models.Model):
    """Sign-in successes, failures and lockouts: kept for review, never edited."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        LOCKED_OUT = "locked_out", "Locked out"
        SIGNED_OUT = "signed_out", "Signed out"
        MFA_VERIFIED = "mfa_verified", "Second factor accepted"
        MFA_FAILED = "mfa_failed", "Second factor refused"
        MFA_RESET = "mfa_reset", "Two-step sign-in reset by an administrator"
        API_TOKEN_REFUSED = "api_token_refused", "API token refused"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    username = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it, when not the person themselves (an administrator's reset).",
    )
    detail = models.CharField(
        max_length=200,
        blank=True,
        help_text="For a refused API token: its public prefix, if it had one, and why.",
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["username", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username} at {self.at:%Y-%m-%d %H:%M}"


# --- Single sign-on (accounts.oidc) ------------------------------------------------------

# Roles an identity provider's groups may give: not the sector and installation roles,
# which reach beyond the organisation (installation administrators grant those, and a
# sign-in leaves them as they are).
MAPPABLE_ROLES = [
    (value, label) for value, label in Role.choices if value not in INSTALLATION_GRANTED_ROLES
]
MAX_CLOCK_SKEW_SECONDS = 300


class IdentityProvider(models.Model):
    """An organisation's OpenID Connect provider (Entra ID, Okta, ADFS, any certified one).

    Installation administrators set it up; the organisation's administrators keep its
    group-to-role mapping (RoleMapping)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="identity_provider"
    )
    is_active = models.BooleanField(default=True)
    issuer = models.URLField(
        max_length=300,
        help_text=(
            "The provider's issuer, exactly as its ID tokens name it; its discovery document "
            "is at <issuer>/.well-known/openid-configuration. Entra ID: "
            "https://login.microsoftonline.com/<tenant id>/v2.0"
        ),
    )
    client_id = models.CharField("client ID", max_length=200)
    client_secret = models.CharField(max_length=300, blank=True)
    scopes = models.CharField(max_length=300, default="openid email profile")
    subject_claim = models.CharField(
        max_length=60,
        default="sub",
        help_text="The claim that says who the person is, for good (Entra ID: oid or sub).",
    )
    email_claim = models.CharField(max_length=60, default="email", blank=True)
    given_name_claim = models.CharField(max_length=60, default="given_name", blank=True)
    family_name_claim = models.CharField(max_length=60, default="family_name", blank=True)
    position_claim = models.CharField(max_length=60, default="job_title", blank=True)
    business_unit_claim = models.CharField(
        max_length=60,
        default="department",
        blank=True,
        help_text="Matched by name with the organisation's business units.",
    )
    groups_claim = models.CharField(
        max_length=60,
        default="groups",
        blank=True,
        help_text="The claim listing the person's groups or app roles (Entra ID: groups or roles).",
    )
    clock_skew_seconds = models.PositiveSmallIntegerField(
        default=60,
        validators=[MaxValueValidator(MAX_CLOCK_SKEW_SECONDS)],
        help_text="How far the provider's clock may differ from ours (at most 300 seconds).",
    )
    checks_second_factor = models.BooleanField(
        "the provider asks for a second factor",
        default=True,
        help_text=(
            "People who sign in through the provider are not asked for an authenticator "
            "code here too (the provider's own sign-in policy asks for one)."
        ),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(clock_skew_seconds__lte=MAX_CLOCK_SKEW_SECONDS),
                name="identity_provider_clock_skew_bounded",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.issuer}"


class RoleMapping(models.Model):
    """A group (or app role) at the identity provider that gives a role here."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="role_mappings"
    )
    group = models.CharField(
        max_length=200, help_text="The value in the groups claim (Entra ID: the group's object ID)."
    )
    role = models.CharField(max_length=20, choices=MAPPABLE_ROLES)

    class Meta:
        ordering = ["group", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "group", "role"], name="unique_role_mapping"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.get_role_display()}"


class Headcount(models.Model):
    """How many staff a business unit had in a month: what the dashboard divides by to give
    concerns per 100 staff. Entered by an administrator or imported from the CSV an HR
    system produces (`manage.py import_headcount`, `accounts.services.headcount_import`)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    business_unit = models.ForeignKey(
        BusinessUnit, on_delete=models.CASCADE, related_name="headcounts"
    )
    month = models.DateField(help_text="The first day of the month the headcount is for.")
    staff = models.PositiveIntegerField(help_text="People employed in the unit that month.")

    class Meta:
        ordering = ["business_unit", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_unit", "month"], name="unique_headcount_per_unit_month"
            )
        ]
        indexes = [models.Index(fields=["organisation", "month"])]

    def __str__(self) -> str:
        return f"{self.business_unit_id} {self.month:%Y-%m}: {self.staff}"

    def clean(self) -> None:
        errors = {}
        if self.month and self.month.day != 1:
            errors["month"] = "Give the first day of the month."
        if self.staff is not None and self.staff < 1:
            errors["staff"] = "A headcount is at least 1."
        if (
            self.business_unit_id
            and self.organisation_id
            and self.business_unit.organisation_id != self.organisation_id
        ):
            errors["business_unit"] = "Choose a business unit of this organisation."
        if errors:
            raise ValidationError(errors)


class _RoleList(models.Aggregate):
    """The roles of a person's grants as one comma-separated string (role values are
    plain words): GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = models.CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def with_roles(queryset: models.QuerySet) -> models.QuerySet:
    """People with the roles they hold read in the same query (`User.roles` uses it), so
    the session's person costs one query, not two."""
    grants = (
        RoleGrant.objects.filter(user_id=models.OuterRef("pk"))
        .order_by()
        .values("user_id")
        .annotate(roles=_RoleList("role"))
        .values("roles")
    )
    return queryset.annotate(granted_roles=models.Subquery(grants))
