/* Quick exit: leave for a neutral site at once, without leaving this page in the history, after
   clearing what the page may have stored. The link works on its own without JavaScript. */
(function () {
  "use strict";
  function leave(url) {
    try { window.sessionStorage.clear(); } catch (e) { /* storage may be disabled */ }
    try { window.localStorage.clear(); } catch (e) { /* storage may be disabled */ }
    var forms = document.querySelectorAll("form");
    for (var i = 0; i < forms.length; i++) { forms[i].reset(); }
    var fields = document.querySelectorAll("input:not([type=hidden]), textarea");
    for (var j = 0; j < fields.length; j++) { fields[j].value = ""; }
    document.title = "";
    window.location.replace(url);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-quick-exit]") : null;
    if (!link) { return; }
    event.preventDefault();
    leave(link.getAttribute("href"));
  });
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) {
      var link = document.querySelector("[data-quick-exit]");
      if (link) { leave(link.getAttribute("href")); }
    }
    lastEscape = now;
  });
})();
