// Small progressive enhancements. Everything works without this file.
(function () {
  "use strict";
  // Show the city field only for city departments on the registration form.
  function syncCityField() {
    var type = document.getElementById("org_type");
    var field = document.getElementById("city_code-field");
    if (!type || !field) { return; }
    field.hidden = type.value !== "city_department";
  }
  document.addEventListener("DOMContentLoaded", function () {
    syncCityField();
    var type = document.getElementById("org_type");
    if (type) { type.addEventListener("change", syncCityField); }
  });
})();
