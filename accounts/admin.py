from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm

from . import mfa, permissions
from .admin_site import OrganisationScopedAdmin, OrganisationScopedInline
from .models import (
    BusinessUnit,
    Headcount,
    IdentityProvider,
    Organisation,
    Role,
    RoleGrant,
    RoleMapping,
    ServiceIdentity,
    User,
    hr_people_of,
)


class BusinessUnitInline(OrganisationScopedInline):
    model = BusinessUnit
    extra = 0


# The coordinator and the second approver are chosen among the organisation's own active
# HR staff; the services refuse anyone else on the locked row, whatever is posted.
NAMED_PEOPLE = ("pid_coordinator", "second_approver")
# What only an installation administrator changes about an organisation.
ORGANISATION_IDENTITY = ("name", "short_name")


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    organisation_lookup = "pk"
    list_display = ["name", "short_name", "pid_coordinator", "second_approver"]
    list_select_related = ["pid_coordinator", "second_approver"]
    search_fields = ["name", "short_name"]
    inlines = [BusinessUnitInline]

    def has_add_permission(self, request) -> bool:
        return permissions.is_installation_administrator(request.user) and (
            super().has_add_permission(request)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return permissions.is_installation_administrator(request.user) and (
            super().has_delete_permission(request, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        if permissions.is_installation_administrator(request.user):
            return ()
        return ORGANISATION_IDENTITY

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        for name in NAMED_PEOPLE:
            field = form.base_fields.get(name)
            if field is not None:
                field.queryset = hr_people_of(obj.pk if obj is not None else None)
        return form

    def save_model(self, request, obj, form, change):
        # The named people are written through their services, which check the rule on
        # the locked row and record the change in the organisation's event record (in
        # the admin's transaction); admin history records it too.
        from .services import organisation_name_pid_coordinator, organisation_name_second_approver

        chosen = {name: getattr(obj, name) for name in NAMED_PEOPLE}
        if change:
            saved = Organisation.objects.get(pk=obj.pk)
            for name in NAMED_PEOPLE:
                setattr(obj, f"{name}_id", getattr(saved, f"{name}_id"))
        super().save_model(request, obj, form, change)
        if change:  # a new organisation has nobody to name yet
            organisation_name_pid_coordinator(
                organisation=obj, coordinator=chosen["pid_coordinator"], actor=request.user
            )
            organisation_name_second_approver(
                organisation=obj, approver=chosen["second_approver"], actor=request.user
            )


# Roles as one choice on the person's page, written through accounts.services.user_set_roles
# (its rules and its event), not as editable grant rows.
class PersonChangeForm(UserChangeForm):
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Removing a role signs the person out everywhere. Nobody changes their own HR "
            "roles here; sector and installation roles are granted by installation "
            "administrators."
        ),
    )

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if self.instance.pk is not None:
            self.initial["roles"] = sorted(self.instance.roles)

    def clean(self):
        cleaned = super().clean()
        if self.actor is not None and self.instance.pk is not None and "roles" in cleaned:
            before = set(self.instance.role_grants.values_list("role", flat=True))
            problem = permissions.role_change_problem(
                self.actor, self.instance, before, set(cleaned["roles"])
            )
            if problem:
                self.add_error("roles", problem)
        if self.actor is not None and not permissions.is_installation_administrator(self.actor):
            organisation = cleaned.get("organisation")
            if organisation is None or organisation.pk != self.actor.organisation_id:
                self.add_error("organisation", "People you administer stay in your organisation.")
        return cleaned


# Fields only a superuser sets: Django's own permission machinery.
SUPERUSER_FIELDS = ("is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(OrganisationScopedAdmin, BaseUserAdmin):
    form = PersonChangeForm
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["organisation", "is_active", "role_grants__role"]
    list_select_related = ["organisation"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Organisation", {"fields": ("organisation", "business_unit", "position", "roles")}),
    )
    actions = ["reset_two_step"]

    def get_queryset(self, request):
        # Service identities are not people: they have their own page, without passwords.
        queryset = super().get_queryset(request).filter(is_service_identity=False)
        if permissions.is_installation_administrator(request.user):
            return queryset
        # Nor does an organisation's administrator keep an installation administrator.
        return queryset.filter(is_superuser=False).exclude(
            role_grants__role=Role.INSTALLATION_ADMINISTRATOR
        )

    def get_list_filter(self, request):
        if permissions.is_installation_administrator(request.user):
            return self.list_filter
        return [name for name in self.list_filter if name != "organisation"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return tuple(
            (
                name,
                {
                    **options,
                    "fields": tuple(
                        field for field in options["fields"] if field not in SUPERUSER_FIELDS
                    ),
                },
            )
            for name, options in fieldsets
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        actor = request.user

        class BoundToActor(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, actor=actor, **kwargs)

        return BoundToActor

    def save_model(self, request, obj, form, change):
        if not change and obj.organisation_id is None:
            # A person an organisation's administrator adds belongs to that organisation.
            obj.organisation_id = permissions.administered_organisation_id(request.user)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "roles" in form.cleaned_data:
            from .services import user_set_roles

            # The form checked the same rules; the service checks them again on the locked
            # row, inside the admin's transaction.
            user_set_roles(
                person=form.instance, roles=form.cleaned_data["roles"], actor=request.user
            )

    @admin.action(description="Reset two-step sign-in (they set up their app again)")
    def reset_two_step(self, request, queryset):
        count = mfa.reset_devices(users=queryset, by=request.user)
        self.message_user(request, f"Two-step sign-in reset for {count} account(s).")


# --- Service identities ------------------------------------------------------------------
# An account for a system (an HR system, a BI tool): no password, no web sign-in, one
# organisation, its own roles. Administrators create it and set its roles here; they never
# make its tokens (HR managers holding all its roles do, on the API tokens page). Each
# creation and change is an event in the organisation's record, in the same transaction.

SERVICE_ROLES = [
    (value, label)
    for value, label in Role.choices
    if value not in (Role.ADMINISTRATOR, Role.INSTALLATION_ADMINISTRATOR)
]


class ServiceRoleGrantForm(forms.ModelForm):
    role = forms.ChoiceField(choices=SERVICE_ROLES)

    class Meta:
        model = RoleGrant
        fields = ["role"]


class ServiceRoleGrantInline(OrganisationScopedInline):
    model = RoleGrant
    form = ServiceRoleGrantForm
    extra = 1
    verbose_name = "role"
    verbose_name_plural = "roles (an HR manager who makes its tokens must hold every one)"


class ServiceIdentityForm(forms.ModelForm):
    class Meta:
        model = ServiceIdentity
        fields = ["username", "first_name", "organisation", "is_active"]
        labels = {"first_name": "Name", "username": "Identifier"}
        help_texts = {
            "first_name": "What the system is, as people will see it, e.g. HR system.",
            "username": "A short unique identifier, e.g. hr-system.",
            "is_active": "Untick to stop every token of this service identity at once.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].required = True
        self.fields["first_name"].required = True
        # Its organisation is the administrator's own (accounts.admin_site.scoped_choices).


def _service_state(identity: User) -> dict:
    return {
        "service_identity": identity.pk,
        "username": identity.username,
        "name": identity.first_name,
        "organisation": identity.organisation_id,
        "is_active": identity.is_active,
        "roles": sorted(identity.role_grants.values_list("role", flat=True)),
    }


@admin.register(ServiceIdentity)
class ServiceIdentityAdmin(OrganisationScopedAdmin):
    form = ServiceIdentityForm
    list_display = ["first_name", "username", "organisation", "is_active"]
    list_filter = ["organisation", "is_active"]
    list_select_related = ["organisation"]
    search_fields = ["username", "first_name"]
    inlines = [ServiceRoleGrantInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: its events name it

    def save_model(self, request, obj, form, change):
        previous = ServiceIdentity.objects.get(pk=obj.pk) if change else None
        obj._audit_before = _service_state(previous) if previous is not None else {}
        super().save_model(request, obj, form, change)  # ServiceIdentity.save: no password

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        from audit.chain import record_event
        from audit.models import EventKind

        identity = form.instance
        identity.__dict__.pop("roles", None)
        before = getattr(identity, "_audit_before", {})
        after = _service_state(identity)
        if before == after:
            return
        # The admin's change view runs in one transaction: this event and the change
        # are written together or not at all.
        record_event(
            organisation_id=identity.organisation_id,
            actor=request.user,
            kind=EventKind.SERVICE_IDENTITY_CHANGED
            if change
            else EventKind.SERVICE_IDENTITY_CREATED,
            before=before,
            after=after,
        )


# --- Single sign-on -------------------------------------------------------------------
# An organisation's identity provider is installation-wide administration (it decides who
# may enter as that organisation's people); which of its groups give which role is kept by
# the organisation's own administrators.


class RoleMappingInline(admin.TabularInline):
    model = RoleMapping
    extra = 1


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    list_display = ["organisation", "issuer", "client_id", "is_active"]
    list_select_related = ["organisation"]
    inlines = [RoleMappingInline]
    fieldsets = (
        (None, {"fields": ("organisation", "is_active", "issuer", "client_id", "client_secret")}),
        ("Sign-in", {"fields": ("scopes", "clock_skew_seconds", "checks_second_factor")}),
        (
            "Claims",
            {
                "fields": (
                    "subject_claim",
                    "email_claim",
                    "given_name_claim",
                    "family_name_claim",
                    "position_claim",
                    "business_unit_claim",
                    "groups_claim",
                )
            },
        ),
    )


@admin.register(RoleMapping)
class RoleMappingAdmin(OrganisationScopedAdmin):
    organisation_lookup = "provider__organisation_id"
    list_display = ["group", "role", "provider"]
    list_filter = ["role"]
    list_select_related = ["provider__organisation"]


@admin.register(Headcount)
class HeadcountAdmin(OrganisationScopedAdmin):
    """Staff per business unit and month, for the dashboard's concerns per 100 staff. A CSV
    from an HR system goes in with `manage.py import_headcount`."""

    list_display = ["business_unit", "organisation", "month", "staff"]
    list_filter = ["organisation"]
    list_select_related = ["business_unit", "organisation"]
    search_fields = ["business_unit__name"]
    date_hierarchy = "month"

    def save_model(self, request, obj, form, change):
        from .services import headcount_save

        headcount_save(headcount=obj, actor=request.user)
