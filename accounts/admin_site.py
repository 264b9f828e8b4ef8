"""The admin site, kept inside each administrator's organisation.

Every model admin registered on the site is one of two kinds:

* organisation-scoped (`OrganisationScopedAdmin`, naming the lookup from the model to its
  organisation): an organisation's administrator lists, opens and changes only rows of
  their own organisation, and every choice of an organisation, business unit or person
  in its forms offers only their own (the server refuses anything else as an invalid
  choice); an installation administrator sees every organisation's;
* anything else (organisations' list, groups and permissions, scheduled jobs, sign-in
  throttling, authenticator devices, the reference content every organisation shares):
  installation administrators only. The site wraps each such admin when it is
  registered, so an admin added later by any app is installation-wide until it says
  otherwise. Shared reference content may be shown read-only to organisations'
  administrators (`shared_read_only`).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from . import permissions


class OrganisationScopedAdmin(admin.ModelAdmin):
    # The lookup from the model to its organisation's id, e.g. "organisation_id" or
    # "user__organisation_id".
    organisation_lookup = "organisation_id"

    def _scope(self, request) -> int | None:
        return permissions.administered_organisation_id(request.user)

    def _installation(self, request) -> bool:
        return permissions.is_installation_administrator(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._installation(request):
            return queryset
        organisation_id = self._scope(request)
        if organisation_id is None:
            return queryset.none()
        return queryset.filter(**{self.organisation_lookup: organisation_id})

    def _in_scope(self, request, obj) -> bool:
        if obj is None or self._installation(request):
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request) -> bool:
        return (
            self._installation(request) or self._scope(request) is not None
        ) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and (
            super().has_view_permission(request, obj) and self._in_scope(request, obj)
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and (
            super().has_change_permission(request, obj) and self._in_scope(request, obj)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and (
            super().has_delete_permission(request, obj) and self._in_scope(request, obj)
        )

    def has_add_permission(self, request, *args) -> bool:
        return self.has_module_permission(request) and super().has_add_permission(request, *args)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and not self._installation(request):
            field.queryset = scoped_choices(field.queryset, self._scope(request))
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and not self._installation(request):
            field.queryset = scoped_choices(field.queryset, self._scope(request))
        return field


class OrganisationScopedInline(admin.TabularInline):
    """An inline of an organisation-scoped admin: its choices offer only the
    administrator's organisation (the parent row is already in scope)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and not permissions.is_installation_administrator(request.user):
            field.queryset = scoped_choices(
                field.queryset, permissions.administered_organisation_id(request.user)
            )
        return field


def scoped_choices(queryset, organisation_id: int | None):
    """Choices of an organisation, business unit or person: the given organisation's only
    (nothing for an unknown organisation); other models' choices are left as they are."""
    from .models import BusinessUnit, IdentityProvider, Organisation, User

    model = queryset.model
    if organisation_id is None and model in (Organisation, BusinessUnit, IdentityProvider, User):
        return queryset.none()
    if model is Organisation:
        return queryset.filter(pk=organisation_id)
    if model in (BusinessUnit, IdentityProvider):
        return queryset.filter(organisation_id=organisation_id)
    if issubclass(model, User):
        return queryset.filter(organisation_id=organisation_id)
    return queryset


class _InstallationOnly:
    """Mixed into every admin that is not organisation-scoped (see the module docstring)."""

    def has_module_permission(self, request) -> bool:
        if permissions.is_installation_administrator(request.user):
            return super().has_module_permission(request)
        return getattr(self, "shared_read_only", False) and (
            permissions.administered_organisation_id(request.user) is not None
        )

    def has_view_permission(self, request, obj=None) -> bool:
        if permissions.is_installation_administrator(request.user):
            return super().has_view_permission(request, obj)
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args) -> bool:
        return permissions.is_installation_administrator(request.user) and (
            super().has_add_permission(request, *args)
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return permissions.is_installation_administrator(request.user) and (
            super().has_change_permission(request, obj)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return permissions.is_installation_administrator(request.user) and (
            super().has_delete_permission(request, obj)
        )


class ConductAdminSite(admin.AdminSite):
    site_header = "Social Media Conduct Tracker administration"
    site_title = "Conduct Tracker admin"

    def has_permission(self, request) -> bool:
        return request.user.is_active and permissions.may_use_admin(request.user)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, OrganisationScopedAdmin) and not issubclass(
            admin_class, _InstallationOnly
        ):
            admin_class = type(
                f"InstallationOnly{admin_class.__name__}", (_InstallationOnly, admin_class), {}
            )
        return super().register(model_or_iterable, admin_class, **options)


class ConductAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.ConductAdminSite"
