/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-autosubmit]")) {
      el.form.submit();
    }
  });
})();
