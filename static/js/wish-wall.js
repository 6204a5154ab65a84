// The wish wall refreshes its first page every ~15 s while open. The request is conditional
// (If-None-Match): when nothing changed the server answers 304 after one index lookup.
(function () {
  "use strict";
  var list = document.getElementById("wish-list");
  if (!list || !list.dataset.live || !window.fetch) return;
  var etag = null;
  var seconds = parseInt(list.dataset.seconds, 10) || 15;
  function poll() {
    if (document.hidden) return;
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(list.dataset.live, { headers: headers, credentials: "same-origin", cache: "no-cache" })
      .then(function (response) {
        if (response.status !== 200) return null;
        etag = response.headers.get("ETag");
        return response.text();
      })
      .then(function (html) {
        if (html !== null && html !== undefined && html !== "") list.innerHTML = html;
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }
  window.setInterval(poll, seconds * 1000);
})();
