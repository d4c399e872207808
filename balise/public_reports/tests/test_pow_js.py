"""The browser's proof-of-work (static pow.js) computes the same SHA-256 as the server, so an
honest visitor's work is accepted. Runs the static file under Node.js when it is installed."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from balise.public_reports import pow as proof_of_work

POW_JS = Path(__file__).resolve().parents[1] / "static" / "public_reports" / "pow.js"
HARNESS = """
globalThis.window = globalThis;
globalThis.document = { addEventListener: function () {} };
require(process.argv[1]);
const inputs = JSON.parse(process.argv[2]);
const out = inputs.map((s) => window.BalisePow.sha256Head(window.BalisePow.ascii(s)));
const token = process.argv[3], difficulty = parseInt(process.argv[4], 10);
let n = 0;
while (window.BalisePow.leadingZeroBits(
  window.BalisePow.sha256Head(window.BalisePow.ascii(token + ":" + n))) < difficulty) { n++; }
console.log(JSON.stringify({heads: out, solution: String(n)}));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
@pytest.mark.django_db
def test_browser_work_matches_the_server(settings):
    settings.BALISE_POW_DIFFICULTY = 10
    inputs = ["", "abc", "x" * 55, "y" * 56, "z" * 64, "challenge:123456", "a" * 200]
    challenge = proof_of_work.issue_challenge()
    result = subprocess.run(  # noqa: S603
        [
            shutil.which("node"),
            "-e",
            HARNESS,
            str(POW_JS),
            json.dumps(inputs),
            challenge.token,
            str(challenge.difficulty),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data = json.loads(result.stdout)
    for text, head in zip(inputs, data["heads"], strict=True):
        digest = hashlib.sha256(text.encode()).digest()
        assert head == [int.from_bytes(digest[:4]), int.from_bytes(digest[4:8])], text
    assert proof_of_work.check(challenge.token, data["solution"])["d"] == 10
