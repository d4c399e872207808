/* Proof-of-work for the public report form (self-hosted, no third party).
   Finds a counter such that SHA-256(challenge + ":" + counter) starts with `difficulty` zero
   bits, then submits the form. A fresh challenge is fetched at submit time so that a long
   writing session does not make it stale. */
(function () {
  "use strict";
  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];
  var W = new Int32Array(64);

  function ascii(str) {
    var out = new Uint8Array(str.length);
    for (var i = 0; i < str.length; i++) { out[i] = str.charCodeAt(i) & 0xff; }
    return out;
  }

  /* SHA-256 of an ASCII byte array; returns the first 32-bit word and the second (enough to
     count up to 64 leading zero bits). */
  function sha256Head(bytes) {
    var len = bytes.length, bitLen = len * 8;
    var total = ((len + 9 + 63) >> 6) << 6;
    var buf = new Uint8Array(total);
    buf.set(bytes); buf[len] = 0x80;
    buf[total - 4] = (bitLen >>> 24) & 0xff; buf[total - 3] = (bitLen >>> 16) & 0xff;
    buf[total - 2] = (bitLen >>> 8) & 0xff; buf[total - 1] = bitLen & 0xff;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a,
        h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (var off = 0; off < total; off += 64) {
      for (var t = 0; t < 16; t++) {
        var p = off + t * 4;
        W[t] = (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
      }
      for (t = 16; t < 64; t++) {
        var x = W[t - 15], y = W[t - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
      }
      var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
      for (t = 0; t < 64; t++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & f) ^ (~e & g);
        var t1 = (h + S1 + ch + K[t] + W[t]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    return [h0 >>> 0, h1 >>> 0];
  }

  function leadingZeroBits(words) {
    if (words[0] !== 0) { return Math.clz32(words[0]); }
    return 32 + Math.clz32(words[1]);
  }

  function solve(challenge, difficulty, done) {
    var counter = 0;
    function batch() {
      var end = counter + 20000;
      for (; counter < end; counter++) {
        if (leadingZeroBits(sha256Head(ascii(challenge + ":" + counter))) >= difficulty) {
          done(String(counter));
          return;
        }
      }
      window.setTimeout(batch, 0);
    }
    batch();
  }

  function init(form) {
    var challengeInput = form.querySelector("[data-pow-challenge]");
    var solutionInput = form.querySelector("[data-pow-solution]");
    var button = form.querySelector("[data-pow-submit]");
    var status = document.getElementById("pow-status");
    var working = form.querySelector("[data-pow-working-text]");
    var failed = form.querySelector("[data-pow-error-text]");
    var busy = false;
    form.addEventListener("submit", function (event) {
      if (solutionInput.value) { return; }
      event.preventDefault();
      if (busy) { return; }
      busy = true;
      button.disabled = true;
      if (status && working) { status.textContent = working.textContent; }
      function run(token, difficulty) {
        challengeInput.value = token;
        solve(token, difficulty, function (solution) {
          solutionInput.value = solution;
          form.submit();
        });
      }
      var fallback = function () {
        run(challengeInput.value, parseInt(challengeInput.getAttribute("data-difficulty"), 10));
      };
      if (!window.fetch) { fallback(); return; }
      window.fetch(form.getAttribute("data-pow-url"), { credentials: "omit", cache: "no-store" })
        .then(function (r) { if (!r.ok) { throw new Error("challenge"); } return r.json(); })
        .then(function (data) { run(data.challenge, data.difficulty); })
        .catch(function () {
          if (challengeInput.value) { fallback(); return; }
          busy = false; button.disabled = false;
          if (status && failed) { status.textContent = failed.textContent; }
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-pow]");
    for (var i = 0; i < forms.length; i++) { init(forms[i]); }
  });
  window.BalisePow = { sha256Head: sha256Head, leadingZeroBits: leadingZeroBits, ascii: ascii };
})();
