/* Member import: while a job is being checked, poll its progress endpoint every second, move the
 * <progress> bar and the count, and reload the page (which shows the result) once it has finished.
 * On the upload form, disable the button after the first click so one file is not sent twice.
 * Without this script the job page refreshes itself (<noscript> meta refresh). */
(function () {
  "use strict";

  var form = document.querySelector("[data-import-form]");
  if (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (!button) { return; }
      // Disabled after this tick, so the browser still submits the form.
      window.setTimeout(function () {
        button.disabled = true;
        if (button.dataset.busyLabel) { button.textContent = button.dataset.busyLabel; }
      }, 0);
    });
    // Coming back with the browser's Back button restores the page as it was left: usable again.
    window.addEventListener("pageshow", function () {
      var button = form.querySelector("button[type=submit][disabled]");
      if (button) { window.location.reload(); }
    });
  }

  var box = document.querySelector("[data-import-progress]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-import-progress");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var failures = 0;

  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    if (text.textContent !== data.message) { text.textContent = data.message; }
  }

  function schedule() {
    // A broken connection backs off up to 30 s instead of hammering the server every second.
    var delay = failures ? Math.min(1000 * Math.pow(2, failures), 30000) : 1000;
    window.setTimeout(poll, delay);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          schedule();
        }
      })
      .catch(function () {
        failures += 1;
        schedule();
      });
  }

  schedule();
})();
