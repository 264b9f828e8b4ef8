from django.contrib import admin

from .models import CodeEdition, CodeSection, Definition, Origin, PlatformCategory

# The reference content every organisation shares: installation administrators change it,
# organisations' administrators may read it (accounts.admin_site).


@admin.register(CodeEdition)
class CodeEditionAdmin(admin.ModelAdmin):
    shared_read_only = True
    list_display = ["title", "code", "year", "is_current"]


@admin.register(CodeSection)
class CodeSectionAdmin(admin.ModelAdmin):
    shared_read_only = True
    list_display = ["code", "title", "edition", "named_in_guidance", "origin", "is_active"]
    list_filter = ["edition", "named_in_guidance", "origin", "is_active"]
    list_select_related = ["edition"]
    search_fields = ["code", "title", "summary"]
    readonly_fields = ["origin"]

    def has_delete_permission(self, request, obj=None):
        # Content sections are managed by their files; retire them there.
        if obj is not None and obj.origin == Origin.CONTENT:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(PlatformCategory)
class PlatformCategoryAdmin(admin.ModelAdmin):
    shared_read_only = True
    list_display = ["name", "code", "examples", "origin", "is_active", "order"]
    readonly_fields = ["origin"]


@admin.register(Definition)
class DefinitionAdmin(admin.ModelAdmin):
    shared_read_only = True
    list_display = ["term", "code", "order"]
