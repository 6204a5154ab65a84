// The place picker of the wish form: with JavaScript, choosing a district fills the street list
// and choosing a street fills the community list in place; without it the server does the same
// one step per page. Only the lists change: the form and its "下一步" button work either way.
(function () {
  "use strict";
  var form = document.querySelector("form.wish-place");
  if (!form) return;
  var url = form.getAttribute("data-regions-url");
  var next = { district: "street", street: "community" };

  function field(level) {
    return form.querySelector("[data-level='" + level + "']");
  }

  function clear(level) {
    var box = field(level);
    if (!box) return;
    var select = box.querySelector("select");
    while (select.options.length > 1) select.remove(1);
    select.value = "";
    box.hidden = true;
    if (next[level]) clear(next[level]);
  }

  function fill(level, regions) {
    var box = field(level);
    var select = box.querySelector("select");
    while (select.options.length > 1) select.remove(1);
    regions.forEach(function (r) { select.add(new Option(r.name, r.code)); });
    box.hidden = false;
  }

  form.addEventListener("change", function (event) {
    var select = event.target;
    var level = select.name;
    var child = next[level];
    if (!child) return;
    clear(child);
    if (!select.value) return;
    fetch(url + "?" + level + "=" + encodeURIComponent(select.value), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { regions: [] }; })
      .then(function (data) { fill(child, data.regions); })
      .catch(function () { /* offline: the "下一步" button still goes to the next step */ });
  });
})();
