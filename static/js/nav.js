// Menu groups are <details>: they work without this script. With it, one group is open at a
// time, and a click elsewhere or Escape closes an open drop-down.
(function () {
  "use strict";
  var groups = Array.prototype.slice.call(document.querySelectorAll(".nav-group > details"));
  function closeAll(except) {
    groups.forEach(function (group) {
      if (group !== except) { group.open = false; }
    });
  }
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (group.open) { closeAll(group); }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".nav-group")) { closeAll(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = groups.filter(function (group) { return group.open; })[0];
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
})();
