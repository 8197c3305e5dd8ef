// The export status page (reports/export_status.html): while the file is being written, fetch
// the page again every few seconds and put its new status in place. The status box is a polite
// live region (role="status"), so a screen reader hears the progress; the page never reloads
// (no meta refresh, WCAG 2.2.1). Without JavaScript the page offers a "Refresh this page" link.
(function () {
  var box = document.getElementById("export-status");
  if (!box || box.dataset.working !== "true") { return; }
  function poll() {
    fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("export-status");
        if (!fresh) { throw new Error("no status"); }
        // Update the live region's text in place (announced), then the rest of the box.
        var region = document.getElementById("export-progress");
        var freshRegion = fresh.querySelector("#export-progress");
        if (region && freshRegion) { region.innerHTML = freshRegion.innerHTML; }
        Array.prototype.slice.call(box.children).forEach(function (child) {
          if (child.id !== "export-progress") { child.remove(); }
        });
        Array.prototype.slice.call(fresh.children).forEach(function (child) {
          if (child.id !== "export-progress") { box.appendChild(document.importNode(child, true)); }
        });
        box.dataset.working = fresh.dataset.working;
        if (fresh.dataset.working === "true") { window.setTimeout(poll, 3000); }
      })
      .catch(function () { window.setTimeout(poll, 6000); });
  }
  window.setTimeout(poll, 3000);
})();
