// Declaration form helpers: live character counts for narrative fields, and a "saving"
// note while htmx autosaves. The form works without this file (the Save button posts it).
(function () {
  "use strict";
  // The Save button posts the whole section with the version the page last heard of. While
  // an autosave is on its way that version is about to change, and the post would be taken
  // for someone else's edit ("Someone else changed this section") although the values are
  // the user's own. So Save waits until no autosave is on its way, then posts.
  var autosaving = 0;
  var heldSubmit = null;
  function isSectionForm(elt) { return elt && elt.id === "section-form"; }
  function releaseSubmit() {
    if (autosaving > 0 || heldSubmit === null) { return; }
    var form = document.getElementById("section-form");
    var submitter = heldSubmit;
    heldSubmit = null;
    if (form) { form.requestSubmit(submitter instanceof HTMLElement ? submitter : undefined); }
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isSectionForm(event.detail.elt)) { autosaving += 1; }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!isSectionForm(event.detail.elt)) { return; }
    autosaving = Math.max(0, autosaving - 1);
    // After htmx has swapped the answer in (the new version) and issued any queued save.
    window.setTimeout(releaseSubmit, 0);
  });
  document.addEventListener("submit", function (event) {
    if (!isSectionForm(event.target) || autosaving === 0) { return; }
    event.preventDefault();
    heldSubmit = event.submitter || true;
  }, true);
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
  var lastSent = {};  // name -> the value(s) last sent, to skip a field that is unchanged
  function valueOf(data, name) { return data.getAll(name).join("\u0000"); }
  function markDirty(event) {
    var target = event.target;
    if (target && target.name && target.form && target.form.id === "section-form") {
      dirty.add(target.name);
    }
  }
  // Capture phase: the field is marked before htmx's own listener on the form sends.
  document.addEventListener("input", markDirty, true);
  document.addEventListener("change", markDirty, true);
  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (!detail.elt || detail.elt.id !== "section-form") { return; }
    var trigger = detail.triggeringEvent;
    var data = detail.formData;
    var names = Array.from(dirty);
    dirty.clear();
    if (trigger && trigger.type === "submit") {
      sent = [];
      return;
    }
    sent = names.filter(function (name) { return lastSent[name] !== valueOf(data, name); });
    if (sent.length === 0) { event.preventDefault(); return; }  // nothing changed since
    var keep = new Set(["csrf_token", "version"].concat(sent));
    sent.forEach(function (name) { lastSent[name] = valueOf(data, name); });
    Array.from(new Set(data.keys())).forEach(function (key) {
      if (!keep.has(key)) { data.delete(key); }
    });
    sent.forEach(function (name) { data.append("fields", name); });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "section-form" && !event.detail.successful) {
      sent.forEach(function (name) { delete lastSent[name]; dirty.add(name); });
    }
  });
  // While a save is on its way the status says so; a save that never arrived says that too
  // (the texts come translated from the page: data-saving, data-failed).
  function showStatus(status, text, className) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    status.replaceChildren(p);
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var status = document.getElementById("save-status");
    if (status && event.detail.elt && event.detail.elt.id === "section-form") {
      status.classList.add("saving");
      showStatus(status, status.getAttribute("data-saving") || "", "saving-note");
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var status = document.getElementById("save-status");
    if (!status) { return; }
    status.classList.remove("saving");
    var failed = event.detail.elt && event.detail.elt.id === "section-form" &&
      !event.detail.successful;
    if (failed) { showStatus(status, status.getAttribute("data-failed") || "", "error"); }
  });
})();
