// A running background job's page: the bar moves in place (the figures come from the job's
// status, read every 2 s) and the page reloads once, when the job has ended, to show the report.
// Without JavaScript the page refreshes itself instead (a <noscript> refresh) and offers a link.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-job-status");
  var state = document.getElementById("job-state");
  var stage = box.querySelector("[data-job-stage]");
  var label = box.querySelector("[data-job-label]");
  var bar = box.querySelector("progress");

  function show(status) {
    if (state) { state.textContent = status.state_label; }
    if (stage) { stage.textContent = status.stage; }
    if (label) { label.textContent = status.label; }
    if (bar && status.total) {
      bar.max = status.total;
      bar.value = status.done;
      bar.textContent = status.percent + " %";
    }
  }

  function tick() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.finished) {
          window.location.reload();
          return;
        }
        show(status);
        window.setTimeout(tick, 2000);
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }

  window.setTimeout(tick, 2000);
})();
