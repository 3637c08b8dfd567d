// The people form: show only the target select a membership row's kind needs, and add rows.
(function () {
  // Show only the target select that the row's kind needs (without script every select stays visible).
  function sync(row) {
    var kind = row.querySelector("[data-membership-kind]").value;
    row.querySelectorAll("[data-target-box]").forEach(function (box) {
      box.hidden = !(kind && box.dataset.targetBox.split(" ").indexOf(kind) >= 0);
    });
  }
  var rows = document.getElementById("membership-rows");
  rows.querySelectorAll(".membership-row").forEach(sync);
  rows.addEventListener("change", function (e) {
    if (e.target.matches("[data-membership-kind]")) sync(e.target.closest(".membership-row"));
  });
  document.getElementById("membership-add").addEventListener("click", function () {
    var total = document.getElementById("id_memberships-TOTAL_FORMS");
    var html = document.getElementById("membership-empty").innerHTML.replace(/__prefix__/g, total.value);
    rows.insertAdjacentHTML("beforeend", html);
    total.value = parseInt(total.value, 10) + 1;
    sync(rows.lastElementChild);
  });
})();
