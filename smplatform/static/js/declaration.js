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
  // Autosave sends only the fields changed since the last save (and names them in "fields"),
  // so a keystroke in one narrative does not post the whole section. The Save button still
  // posts everything. A field whose save failed is sent again with the next one.
  var dirty = new Set();
  var sent = [];
  function markDirty(event) {
    var target = event.target;
    if (target && target.name && target.form && target.form.id === "section-form") {
      dirty.add(target.name);
    }
  }
  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);
  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (!detail.elt || detail.elt.id !== "section-form") { return; }
    var trigger = detail.triggeringEvent;
    sent = Array.from(dirty);
    dirty.clear();
    if (trigger && trigger.type === "submit") { return; }
    if (sent.length === 0) { event.preventDefault(); return; }  // nothing changed since
    var keep = new Set(["csrf_token", "version"].concat(sent));
    var data = detail.formData;
    Array.from(new Set(data.keys())).forEach(function (key) {
      if (!keep.has(key)) { data.delete(key); }
    });
    sent.forEach(function (name) { data.append("fields", name); });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "section-form" && !event.detail.successful) {
      sent.forEach(function (name) { dirty.add(name); });
    }
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
