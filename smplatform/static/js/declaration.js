// Declaration form helpers: live character counts for narrative fields, and a "saving"
// note while htmx autosaves. The form works without this file (the Save button posts it).
(function () {
  "use strict";
  function updateCount(area) {
    var counter = document.getElementById(area.id + "-count");
    if (!counter) { return; }
    var n = Array.from(area.value.replace(/\r\n/g, "\n")).length;
    var max = parseInt(area.getAttribute("data-maxlength"), 10);
    var out = counter.querySelector(".count-n");
    if (out) { out.textContent = String(n); }
    counter.classList.toggle("over-limit", !isNaN(max) && n > max);
  }
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("textarea[data-maxlength]")) {
      updateCount(target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-maxlength]").forEach(updateCount);
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var status = document.getElementById("save-status");
    if (status && event.detail.elt && event.detail.elt.id === "section-form") {
      status.classList.add("saving");
    }
  });
  document.addEventListener("htmx:afterRequest", function () {
    var status = document.getElementById("save-status");
    if (status) { status.classList.remove("saving"); }
  });
})();
