/* Activity form: "全体党员到会" checks every member, the attendance figure follows each tap, and the
 * end time follows the start time (an hour and a half later) until the secretary sets it.
 * The form works without this script: the server reads "全体党员到会" and computes the rate. */
(function () {
  "use strict";
  var form = document.querySelector("[data-activity-form]");
  if (!form) { return; }

  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=attendees]"));
  var all = form.querySelector("input[name=all_present]");
  var output = form.querySelector("[data-attendance]");

  function showAttendance() {
    var present = boxes.filter(function (box) { return box.checked; }).length;
    var total = boxes.length;
    if (all) {
      all.checked = total > 0 && present === total;
      all.indeterminate = present > 0 && present < total;
    }
    if (output) {
      var rate = total ? Math.round(100 * present / total) : 0;
      output.textContent = output.dataset.template
        .replace("{n}", present).replace("{total}", total).replace("{rate}", rate);
    }
  }

  if (all) {
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      showAttendance();
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", showAttendance); });
  if (all && all.checked) { boxes.forEach(function (box) { box.checked = true; }); }
  showAttendance();

  var start = form.querySelector("input[name=started_at]");
  var end = form.querySelector("input[name=ended_at]");
  var durationMinutes = 90;
  var endTouched = false;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function parseLocal(value) {
    // "YYYY-MM-DDTHH:MM" as the phone's local time, whatever the browser's parsing quirks.
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
    return m ? new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) : null;
  }
  function formatLocal(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
      "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  if (start && end) {
    var initialStart = parseLocal(start.value);
    var initialEnd = parseLocal(end.value);
    if (initialStart && initialEnd) {
      durationMinutes = Math.max(1, Math.round((initialEnd - initialStart) / 60000));
    }
    end.addEventListener("input", function () { endTouched = true; });
    start.addEventListener("change", function () {
      var begun = parseLocal(start.value);
      if (begun && !endTouched) {
        end.value = formatLocal(new Date(begun.getTime() + durationMinutes * 60000));
      }
    });
  }

  var booking = form.querySelector("select[name=base_booking]");
  var place = form.querySelector("input[name=place]");
  if (booking && place) {
    // The base's name and address become the place on saving; the field is then optional.
    var showPlace = function () { place.closest(".field").hidden = booking.value !== "" && place.value === ""; };
    booking.addEventListener("change", showPlace);
    showPlace();
  }
})();
