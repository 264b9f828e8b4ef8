"""Reference content: the Code of Conduct sections, platform categories and definitions.

Rows that come from the files in ``guidance/content/`` are upserted by their stable
code (``load_guidance``). Administrators may add further sections in the admin; the
loader never touches those.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse


class Origin(models.TextChoices):
    CONTENT = "content", "Project content files"
    ADMIN = "admin", "Added by an administrator"


class UseContext(models.TextChoices):
    """Whether the conduct happened in an official or a private capacity."""

    OFFICIAL = "official", "Official use"
    PRIVATE = "private", "Private use"
    UNCLEAR = "unclear", "Not clear yet"


class CodeEdition(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    year = models.PositiveIntegerField()
    is_current = models.BooleanField(default=False)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.title


class CodeSectionQuerySet(models.QuerySet):
    def active(self) -> CodeSectionQuerySet:
        return self.filter(is_active=True)

    def current(self) -> CodeSectionQuerySet:
        return self.active().filter(edition__is_current=True)


class CodeSection(models.Model):
    edition = models.ForeignKey(CodeEdition, on_delete=models.PROTECT, related_name="sections")
    code = models.CharField(max_length=10, help_text="Section number, e.g. 3.5.")
    title = models.CharField(max_length=200)
    summary = models.CharField(
        max_length=300, help_text="One line: what the section asks of someone using social media."
    )
    social_media_meaning = models.TextField(
        help_text="In plain words, what the section means for social media use."
    )
    points = models.JSONField(default=list, blank=True, help_text="Guidance points, one per item.")
    examples = models.JSONField(
        default=list, blank=True, help_text="Short examples of conduct that may raise it."
    )
    named_in_guidance = models.BooleanField(
        default=False, help_text="One of the sections the social media guidance names."
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.ADMIN)
    is_active = models.BooleanField(default=True)
    sort_key = models.CharField(max_length=20, editable=False, db_index=True)

    objects = CodeSectionQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="unique_section_per_edition")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.sort_key = section_sort_key(self.code)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("guidance:section", kwargs={"edition": self.edition.code, "code": self.code})


def section_sort_key(code: str) -> str:
    """'3.10' sorts after '3.9': zero-pad each numeric part."""
    return ".".join(part.zfill(4) if part.isdigit() else part for part in code.split("."))


class PlatformCategory(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    examples = models.CharField(max_length=200, blank=True)
    description = models.TextField()
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.ADMIN)
    is_active = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "platform categories"

    def __str__(self) -> str:
        return self.name


class Definition(models.Model):
    """A term the guidance defines (social media, official use, private use)."""

    code = models.SlugField(max_length=40, unique=True)
    term = models.CharField(max_length=100)
    text = models.TextField()
    order = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["order", "term"]

    def __str__(self) -> str:
        return self.term
