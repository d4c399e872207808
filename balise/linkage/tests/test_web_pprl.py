"""The PPRL commands: local encoding writes nothing identifying; the observatory counts
unique persons across contributors and prints counts only."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command

from balise.linkage.pprl import HEADER, RECORD_BYTES, read_encodings
from balise.linkage.tests.factories import referred
from balise.persons.models import Person
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = b"a secret shared by contributors only, 32+ bytes"
PEOPLE = [
    ("Amina", "Benali", datetime.date(1995, 4, 12)),
    ("Grace", "Okafor", datetime.date(1990, 1, 2)),
    ("Ioana", "Popescu", datetime.date(2001, 11, 30)),
    ("Youssef", "El Amrani", datetime.date(1988, 6, 7)),
]


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.key"
    path.write_bytes(SECRET + b"\n")
    return path


def _encode(secret_file, out, **kw) -> str:
    stdout = io.StringIO()
    call_command("linkage_encode", secret_file=secret_file, out=out, stdout=stdout, **kw)
    return stdout.getvalue()


def test_encoded_file_holds_only_pseudonyms_and_encodings(secret_file, tmp_path):
    persons = [
        Person.objects.create(given_names=g, family_name=f, birth_date=d, contact="+33 6 12 34")
        for g, f, d in PEOPLE
    ]
    out = tmp_path / "police.bclk"
    assert "4 persons encoded" in _encode(secret_file, out)
    raw = out.read_bytes()
    assert len(raw) == HEADER.size + 4 * RECORD_BYTES
    lowered = raw.lower()
    for given, family, born in PEOPLE:
        for needle in (
            given,
            family,
            born.isoformat(),
            born.strftime("%Y%m%d"),
            born.strftime("%d/%m/%Y"),
        ):
            assert needle.lower().encode() not in lowered
            assert needle.encode("utf-16-le") not in raw
    for p in persons:
        assert str(p.pk).encode() not in lowered
        assert p.pk.bytes not in raw
        assert p.pk.hex.encode() not in lowered
        assert p.name_index.encode() not in raw
    assert SECRET not in raw and b"+33" not in raw
    # Nothing but the header, then per person a 16-byte pseudonym, a flags byte and a
    # 64-byte encoding.
    with open(out, "rb") as fh:
        data = read_encodings(fh)
    assert len(data) == 4
    assert len(set(data.pseudonyms)) == 4
    # No run of printable text longer than a few characters (names would show up as such).
    assert not re.search(rb"[A-Za-z]{6,}", raw[HEADER.size :])


def test_observatory_counts_unique_persons_across_contributors(secret_file, tmp_path):
    police = factories.referrer_at_police_unit()
    association = factories.referrer_at_association()
    for g, f, d in PEOPLE[:3]:
        referred(police, given_names=g, family_name=f, birth_date=d)
    # The association saw two of the same persons (one with a typo) and one other.
    referred(association, given_names="Amina", family_name="Benalli", birth_date=PEOPLE[0][2])
    referred(association, given_names="Grace", family_name="Okafor", birth_date=PEOPLE[1][2])
    referred(
        association, given_names=PEOPLE[3][0], family_name=PEOPLE[3][1], birth_date=PEOPLE[3][2]
    )
    a, b = tmp_path / "police.bclk", tmp_path / "association.bclk"
    _encode(secret_file, a, organisation=str(police.primary_organisation().pk))
    _encode(secret_file, b, organisation=str(association.primary_organisation().pk))
    stdout = io.StringIO()
    call_command("linkage_count", inputs=[a, b], stdout=stdout)
    out = stdout.getvalue()
    assert "records: 6" in out
    assert "match groups: 2" in out
    assert "unique persons: 4" in out
    assert "0." not in out  # never a score


def test_count_refuses_files_encoded_with_different_secrets(secret_file, tmp_path):
    Person.objects.create(given_names="Amina", family_name="Benali")
    other = tmp_path / "other.key"
    other.write_bytes(b"another secret of at least sixteen bytes")
    a, b = tmp_path / "a.bclk", tmp_path / "b.bclk"
    _encode(secret_file, a)
    _encode(other, b)
    with pytest.raises(CommandError, match="same shared secret"):
        call_command("linkage_count", inputs=[a, b], stdout=io.StringIO())


def test_encode_refuses_a_short_secret(tmp_path):
    weak = tmp_path / "weak.key"
    weak.write_bytes(b"short")
    with pytest.raises(CommandError):
        _encode(weak, tmp_path / "x.bclk")
    assert not (tmp_path / "x.bclk").exists()


def test_count_refuses_a_version_1_file_and_says_to_re_encode(secret_file, tmp_path):
    Person.objects.create(given_names="Amina", family_name="Benali")
    current, old = tmp_path / "a.bclk", tmp_path / "old.bclk"
    _encode(secret_file, current)
    # A version 1 file: same header with version 1, then 16-byte pseudonym + 64-byte encoding.
    header = bytearray(current.read_bytes()[: HEADER.size])
    header[4] = 1
    old.write_bytes(bytes(header) + bytes(80))
    with pytest.raises(CommandError, match="version 1.*re-encode"):
        call_command("linkage_count", inputs=[current, old], stdout=io.StringIO())
