from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import BusinessUnit, Organisation, RoleGrant, User


class BusinessUnitInline(admin.TabularInline):
    model = BusinessUnit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name", "short_name"]
    inlines = [BusinessUnitInline]


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
