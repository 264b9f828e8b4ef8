"""The forms of the letters pages: what HR gives to draft each kind, the draft's text, and
the confirmation that issues it."""

from __future__ import annotations

from django import forms

from config.formfields import ConfirmField, DateInput
from incidents.casework.forms import CaseForm
from incidents.models import LetterKind

from .context import long_date


class DraftForm(CaseForm):
    """What HR gives to draft a letter of one kind. Nothing is required here: whatever the
    template needs and is missing is named back by the service, in the template's terms."""

    def __init__(self, *args, kind: str, concern, **kwargs):
        self.key = f"draft_{kind}"
        self.kind = kind
        super().__init__(*args, **kwargs)
        if kind == LetterKind.ALLEGATION_NOTICE:
            self.fields["response_due_on"] = forms.DateField(
                label="The employee's response is due by",
                required=False,
                widget=DateInput(),
                initial=concern.response_due_on,
                help_text="A date after today. Issuing the letter records it as the response date.",
            )
            self.fields["facts"] = forms.CharField(
                label="The facts put to the employee",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text="What they are alleged to have done: when, where, what was posted. "
                "Written for the employee: leave out who logged the concern.",
            )
        elif kind == LetterKind.REPORTER_CLOSURE:
            self.fields["message"] = forms.CharField(
                label="What you want to tell them",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=concern.reporter_message,
                help_text="Keep it neutral: no findings, no action taken, nothing personal "
                "about the employee.",
            )

    def inputs(self) -> dict:
        data = self.cleaned_data
        return {
            "facts": data.get("facts") or "",
            "response_due_on": data.get("response_due_on"),
            "message": data.get("message") or "",
        }


class LetterEditForm(CaseForm):
    key = "letter"
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    subject = forms.CharField(
        label="Heading",
        max_length=200,
        error_messages={"required": "A letter needs a heading."},
    )
    text = forms.CharField(
        label="Text of the letter",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 22}),
        help_text="Leave a blank line between paragraphs. The letterhead, the date and the "
        "signature are added when it is issued.",
        error_messages={"required": "A letter needs some text."},
    )

    def clean_text(self) -> str:
        return self.cleaned_data["text"].replace("\r\n", "\n").replace("\r", "\n").strip()


CONFIRM_ISSUE = {
    LetterKind.ALLEGATION_NOTICE: (
        "Issuing makes the letter a PDF, adds it to the case documents, and records today as "
        "the day the employee was told of the allegations, with their response due by "
        "{response_date}. The letter cannot be changed afterwards. Give or send the PDF to "
        "the employee."
    ),
    LetterKind.OUTCOME: (
        "Issuing makes the letter a PDF and adds it to the case documents as a decision. The "
        "letter cannot be changed afterwards. Give or send the PDF to the employee."
    ),
    LetterKind.REPORTER_CLOSURE: (
        "Issuing makes the message a PDF, adds it to the case documents, and shows its text "
        "to the person who logged the concern on their page for it. It cannot be changed "
        "afterwards."
    ),
}


class IssueForm(LetterEditForm):
    """The draft's form with the tick that issues it: what is in the form is what is issued
    (saved first if it was changed)."""

    confirm = ConfirmField()

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.confirmation = self.confirmation_for(letter)

    @staticmethod
    def confirmation_for(letter) -> str:
        return CONFIRM_ISSUE[letter.kind].format(
            response_date=long_date(letter.response_due_on) or "the date in the letter"
        )
