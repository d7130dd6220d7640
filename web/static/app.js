// Optional: the page works without it. Focus the highlight an evidence
// link points to (which shows its details), and keep empty fields out of
// search URLs.
(function () {
  "use strict";
  function focusTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^s-\d+-\d+$/.test(id)) return;
    var el = document.getElementById(id);
    if (!el) return;
    var m = el.querySelector("mark.hl") || el.closest("mark.hl");
    if (m) m.focus({ preventScroll: true });
  }
  window.addEventListener("hashchange", focusTarget);
  // Back to a page kept in memory: fields disabled at submit come back.
  window.addEventListener("pageshow", function () {
    var form = document.getElementById("search");
    if (form) Array.prototype.forEach.call(form.elements, function (el) { el.disabled = false; });
  });
  document.addEventListener("DOMContentLoaded", function () {
    focusTarget();
    var form = document.getElementById("search");
    if (!form) return;
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && !el.value) el.disabled = true;
      });
    });
  });
})();
