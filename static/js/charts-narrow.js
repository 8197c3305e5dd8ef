// Charts on a phone (issue 20): under 40em a chart's drawing is too small to read, so the CSS
// hides it and this opens its data table, which says the same in rows (the summary above it
// stays). Wider again, the tables close as the reader left them before.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 39.99em)");
  function apply() {
    document.querySelectorAll("details.lms-chart__data").forEach(function (details) {
      if (narrow.matches) {
        if (!details.open) {
          details.dataset.openedForPhone = "true";
          details.open = true;
        }
      } else if (details.dataset.openedForPhone) {
        delete details.dataset.openedForPhone;
        details.open = false;
      }
    });
  }
  apply();
  narrow.addEventListener("change", apply);
})();
