import io

import pytest
from django.core.management import call_command
from django.db import connection

from balise.accounts.models import TOTPDevice
from balise.core import crypto
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _raw_secret(device: TOTPDevice) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device.pk])
        return cursor.fetchone()[0]


def test_an_encrypted_value_round_trips_and_is_not_stored_in_clear():
    user = factories.user_without_second_factor()
    device = TOTPDevice.objects.create(user=user, secret=SECRET)
    raw = _raw_secret(device)
    assert SECRET not in raw
    assert raw.startswith(crypto.keyring().primary_id + "$")
    assert TOTPDevice.objects.get(pk=device.pk).secret == SECRET


def test_a_database_dump_contains_no_plaintext_of_an_encrypted_field():
    user = factories.user_without_second_factor()
    TOTPDevice.objects.create(user=user, secret=SECRET)
    dump = io.StringIO()
    # What an attacker with the database gets: every row of every table, as stored.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                dump.write(repr(row))
    assert SECRET not in dump.getvalue()
    assert user.email in dump.getvalue()  # the dump is real: a clear column is there


def test_a_ciphertext_moved_to_another_column_does_not_decrypt():
    token = crypto.encrypt("Amina", aad="persons.Person.first_name")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, aad="persons.Person.last_name")


def test_two_encryptions_of_one_value_differ():
    assert crypto.encrypt("x", aad="a") != crypto.encrypt("x", aad="a")


def test_encrypted_fields_refuse_lookups_that_would_need_plaintext():
    with pytest.raises(TypeError):
        list(TOTPDevice.objects.filter(secret=SECRET))


def test_blind_index_matches_variants_of_the_same_value_only():
    a = crypto.blind_index("  Élodie DURAND ", purpose="name")
    assert a == crypto.blind_index("elodie durand", purpose="name")
    assert a != crypto.blind_index("elodie durant", purpose="name")
    assert a != crypto.blind_index("elodie durand", purpose="other")
    assert crypto.blind_index("", purpose="name") == ""


def test_key_rotation_re_encrypts_under_the_new_primary_key(settings):
    old_only = settings.BALISE_FIELD_KEYS.split(",")[1]
    settings.BALISE_FIELD_KEYS = old_only
    user = factories.user_without_second_factor()
    device = TOTPDevice.objects.create(user=user, secret=SECRET)
    assert _raw_secret(device).startswith("t1$")

    # New key first, old key kept for decryption.
    settings.BALISE_FIELD_KEYS = "t2:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=," + old_only
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "Dry run" in out.getvalue()
    assert _raw_secret(device).startswith("t1$")
    call_command("rotate_field_keys", "--apply", stdout=io.StringIO())
    assert _raw_secret(device).startswith("t2$")

    # The old key can now be removed.
    settings.BALISE_FIELD_KEYS = "t2:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
    assert TOTPDevice.objects.get(pk=device.pk).secret == SECRET


def test_keys_must_be_32_bytes():
    with pytest.raises(ValueError):
        crypto.parse_keyring("k:c2hvcnQ=")
