/* Passkeys (WebAuthn): registration on the security page, use at the second-factor step.
   Progressive enhancement: the passkey controls stay hidden when the browser lacks WebAuthn. */
(function () {
  "use strict";

  function toBuffer(value) {
    var s = value.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var s = "";
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, body, csrf) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.error || ""); }
        return data;
      });
    });
  }

  function descriptors(list) {
    return (list || []).map(function (c) {
      return { type: c.type, id: toBuffer(c.id), transports: c.transports };
    });
  }

  function showError(root, error) {
    var box = root.querySelector("[data-passkey-error]");
    box.textContent = (error && error.message) || box.getAttribute("data-default");
    box.hidden = false;
  }

  function register(form) {
    var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
    var name = form.querySelector("[name=name]").value;
    return post(form.getAttribute("data-options-url"), {}, csrf).then(function (options) {
      options.challenge = toBuffer(options.challenge);
      options.user.id = toBuffer(options.user.id);
      options.excludeCredentials = descriptors(options.excludeCredentials);
      return navigator.credentials.create({ publicKey: options });
    }).then(function (credential) {
      var response = credential.response;
      return post(form.action, {
        name: name,
        credential: {
          id: credential.id,
          rawId: toBase64url(credential.rawId),
          type: credential.type,
          response: {
            clientDataJSON: toBase64url(response.clientDataJSON),
            attestationObject: toBase64url(response.attestationObject),
            transports: response.getTransports ? response.getTransports() : []
          },
          clientExtensionResults: credential.getClientExtensionResults()
        }
      }, csrf);
    });
  }

  function signIn(form) {
    var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
    return post(form.getAttribute("data-options-url"), {}, csrf).then(function (options) {
      options.challenge = toBuffer(options.challenge);
      options.allowCredentials = descriptors(options.allowCredentials);
      return navigator.credentials.get({ publicKey: options });
    }).then(function (credential) {
      var response = credential.response;
      return post(form.action, {
        credential: {
          id: credential.id,
          rawId: toBase64url(credential.rawId),
          type: credential.type,
          response: {
            clientDataJSON: toBase64url(response.clientDataJSON),
            authenticatorData: toBase64url(response.authenticatorData),
            signature: toBase64url(response.signature),
            userHandle: response.userHandle ? toBase64url(response.userHandle) : null
          },
          clientExtensionResults: credential.getClientExtensionResults()
        }
      }, csrf);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.PublicKeyCredential || !navigator.credentials) { return; }
    document.querySelectorAll("[data-passkey]").forEach(function (form) {
      var section = form.closest("[data-passkey-section]") || form;
      section.hidden = false;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!form.reportValidity()) { return; }
        var action = form.getAttribute("data-passkey") === "register" ? register : signIn;
        action(form).then(function (data) {
          window.location.assign(data.redirect);
        }).catch(function (error) {
          showError(form, error);
        });
      });
    });
  });
})();
