"""Encrypted model fields. Values are decrypted on read and encrypted on write; only ``isnull``
lookups are allowed, since ciphertexts are randomised. Use a blind index for exact matches."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import models

from balise.core import crypto


class EncryptedMixin:
    """Stores ``encode_plain(value)`` encrypted in a text column."""

    empty_strings_allowed = True

    def _aad(self) -> str:
        return f"{self.model._meta.label}.{self.name}"  # type: ignore[attr-defined]

    def encode_plain(self, value: Any) -> str:
        return str(value)

    def decode_plain(self, text: str) -> Any:
        return text

    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection):  # noqa: ANN001
        return models.TextField().db_type(connection)

    def from_db_value(self, value, expression, connection):  # noqa: ANN001
        if value is None:
            return None
        return self.decode_plain(crypto.decrypt(value, aad=self._aad()))

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return crypto.encrypt(self.encode_plain(value), aad=self._aad())

    def get_lookup(self, lookup_name: str):  # noqa: ANN201
        if lookup_name != "isnull":
            raise TypeError("encrypted fields only support isnull; use a blind index")
        return super().get_lookup(lookup_name)  # type: ignore[misc]


class EncryptedTextField(EncryptedMixin, models.TextField):
    def to_python(self, value: Any) -> Any:
        return value


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A short encrypted value; ``max_length`` limits the plaintext (validated in forms)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def get_internal_type(self) -> str:
        return "TextField"

    def get_db_prep_value(self, value, connection, prepared=False):  # noqa: ANN001
        return self.get_prep_value(value) if not prepared else value


class EncryptedDateField(EncryptedMixin, models.DateField):
    def encode_plain(self, value: Any) -> str:
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return value.isoformat()

    def decode_plain(self, text: str) -> Any:
        return datetime.date.fromisoformat(text)

    def get_db_prep_value(self, value, connection, prepared=False):  # noqa: ANN001
        return self.get_prep_value(value)

    def pre_save(self, model_instance, add):  # noqa: ANN001
        return getattr(model_instance, self.attname)


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """Encrypted JSON (lists of aliases, contact details…)."""

    def encode_plain(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def decode_plain(self, text: str) -> Any:
        return json.loads(text)

    def to_python(self, value: Any) -> Any:
        return value


ENCRYPTED_FIELD_TYPES = (EncryptedMixin,)
