"""Keeping a file that passed its checks while another field of its form is corrected.

A form that mixes this in has a `file` field, a hidden `staged` field, the `user` it
serves, a `STAGING_SALT` of its own and `check_file`, the content check its files must
pass. When the form has errors, a good file is saved to the staging area and a signed
token (for this user only, valid a day) goes back in `staged`, so the next submission
need not choose it again.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage

from incidents.evidence.storage import STAGING_DIR

STAGED_FOR_SECONDS = 60 * 60 * 24


class StagedUploadMixin:
    STAGING_SALT: str
    check_file: Callable

    def _staged_file(self) -> File | None:
        token = self.data.get(self.add_prefix("staged"))
        if not token:
            return None
        try:
            info = signing.loads(token, salt=self.STAGING_SALT, max_age=STAGED_FOR_SECONDS)
        except signing.BadSignature:
            return None
        if info.get("user") != self.user.pk or not default_storage.exists(info["path"]):
            return None
        self.staged_name = info["name"]
        handle = default_storage.open(info["path"], "rb")
        upload = File(handle, name=info["name"])
        upload.size = default_storage.size(info["path"])
        upload.staged_path = info["path"]
        return upload

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        staged = self._staged_file()
        if upload is not None and staged is not None:
            # A new file replaces the one kept from the last attempt: drop the old copy.
            staged.close()
            default_storage.delete(staged.staged_path)
            self.staged_name = ""
        upload = upload or staged
        if upload is None:
            raise ValidationError("Choose a file to attach.")
        self.check_file(upload)
        return upload

    def full_clean(self):
        super().full_clean()
        upload = self.cleaned_data.get("file") if hasattr(self, "cleaned_data") else None
        if self.errors and upload is not None and not getattr(upload, "staged_path", None):
            self._stage(upload)

    def _stage(self, upload) -> None:
        path = default_storage.save(f"{STAGING_DIR}/{uuid.uuid4().hex}", upload)
        name = os.path.basename(upload.name or "")
        token = signing.dumps(
            {"user": self.user.pk, "path": path, "name": name}, salt=self.STAGING_SALT
        )
        self.staged_name = name
        self.data = self.data.copy()
        self.data[self.add_prefix("staged")] = token

    def discard_staged(self) -> None:
        """After a successful save: the staged copy is no longer needed."""
        upload = self.cleaned_data.get("file")
        path = getattr(upload, "staged_path", None)
        if path:
            upload.close()
            default_storage.delete(path)
