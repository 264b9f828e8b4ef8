"""The incidents app's admin pages: letter templates only (case content stays out of the
admin, which administrators use without seeing concerns)."""

from incidents.letters import admin as letters_admin  # noqa: F401  (registers LetterTemplate)
