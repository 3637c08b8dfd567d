// The tip pages (apps/tips): without script every field stays visible and the receipt can still be copied by hand.
(function () {
  "use strict";

  // Public form: the name and phone only when the tip is not anonymous.
  var anonymous = document.getElementById("id_anonymous");
  var identity = document.getElementById("identity-fields");
  if (anonymous && identity) {
    var syncIdentity = function () { identity.hidden = anonymous.checked; };
    anonymous.addEventListener("change", syncIdentity);
    syncIdentity();
  }

  // Receipt page: a copy button where the clipboard is available.
  var copy = document.getElementById("copy-receipt");
  if (copy && navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(copy.dataset.receipt).then(function () {
        document.getElementById("copy-done").hidden = false;
      });
    });
  }

  // Verify form: the hazard part only for 查实, and within it the fields of the chosen way.
  var hazardFields = document.getElementById("hazard-fields");
  if (hazardFields) {
    var form = hazardFields.closest("form");
    var checked = function (name) {
      var input = form.querySelector("input[name=" + name + "]:checked");
      return input ? input.value : "";
    };
    var syncHazard = function () {
      hazardFields.hidden = checked("outcome") !== "verified";
      var mode = checked("hazard_mode");
      hazardFields.querySelectorAll("[data-hazard-mode]").forEach(function (box) {
        box.hidden = box.dataset.hazardMode !== mode;
      });
    };
    form.addEventListener("change", syncHazard);
    syncHazard();
  }
})();
