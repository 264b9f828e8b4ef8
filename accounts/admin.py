from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import mfa
from .models import (
    BusinessUnit,
    Headcount,
    Organisation,
    Role,
    RoleGrant,
    ServiceIdentity,
    User,
)


class BusinessUnitInline(admin.TabularInline):
    model = BusinessUnit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "second_approver"]
    list_select_related = ["second_approver"]
    search_fields = ["name", "short_name"]
    inlines = [BusinessUnitInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The second approver is chosen among the organisation's own active HR staff; the
        # model's clean() refuses anyone else, whatever is posted.
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("second_approver")
        if field is not None:
            field.queryset = (
                User.objects.filter(
                    organisation_id=obj.pk,
                    is_active=True,
                    is_service_identity=False,
                    role_grants__role__in=(Role.HR_MANAGER, Role.INVESTIGATOR),
                )
                .distinct()
                .order_by("first_name", "last_name", "username")
                if obj is not None
                else User.objects.none()
            )
        return form

    def save_model(self, request, obj, form, change):
        # The second approver is written through its service, which checks the rule on
        # the locked row and records the change in the organisation's event record (in
        # the admin's transaction); admin history records it too.
        from .services import organisation_name_second_approver

        approver = obj.second_approver
        if change:
            obj.second_approver_id = Organisation.objects.get(pk=obj.pk).second_approver_id
        super().save_model(request, obj, form, change)
        if change:  # a new organisation has nobody to name yet
            organisation_name_second_approver(
                organisation=obj, approver=approver, actor=request.user
            )


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_active"]
    list_filter = ["organisation", "is_active", "role_grants__role"]
    list_select_related = ["organisation"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Organisation", {"fields": ("organisation", "business_unit", "position")}),
    )
    inlines = [RoleGrantInline]
    actions = ["reset_two_step"]

    def get_queryset(self, request):
        # Service identities are not people: they have their own page, without passwords.
        return super().get_queryset(request).filter(is_service_identity=False)

    @admin.action(description="Reset two-step sign-in (they set up their app again)")
    def reset_two_step(self, request, queryset):
        count = mfa.reset_devices(users=queryset, by=request.user)
        self.message_user(request, f"Two-step sign-in reset for {count} account(s).")


# --- Service identities ------------------------------------------------------------------
# An account for a system (an HR system, a BI tool): no password, no web sign-in, one
# organisation, its own roles. Administrators create it and set its roles here; they never
# make its tokens (HR managers holding all its roles do, on the API tokens page). Each
# creation and change is an event in the organisation's record, in the same transaction.

SERVICE_ROLES = [(value, label) for value, label in Role.choices if value != Role.ADMINISTRATOR]


class ServiceRoleGrantForm(forms.ModelForm):
    role = forms.ChoiceField(choices=SERVICE_ROLES)

    class Meta:
        model = RoleGrant
        fields = ["role"]


class ServiceRoleGrantInline(admin.TabularInline):
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
class ServiceIdentityAdmin(admin.ModelAdmin):
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


@admin.register(Headcount)
class HeadcountAdmin(admin.ModelAdmin):
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
