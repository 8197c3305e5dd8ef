// The certificate ZIP page (certificates/archive.html): poll the archive's progress and show the
// download link once it is ready. Without JavaScript the page offers a "Refresh this page" link.
(function () {
  var box = document.getElementById("archive-status");
  if (!box || box.dataset.ready === "true") { return; }
  function poll() {
    fetch(box.dataset.progressUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        document.getElementById("archive-state").textContent = data.state_label;
        document.getElementById("archive-count").textContent = data.count_text;
        document.getElementById("archive-progress").value = data.percent;
        if (data.ready) {
          document.getElementById("archive-download").hidden = false;
          document.getElementById("archive-refresh").hidden = true;
        } else if (data.state !== "failed") {
          window.setTimeout(poll, 2000);
        } else {
          document.getElementById("archive-refresh").hidden = true;
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
