// The search page's filters sit behind a disclosure so that a phone shows the results first;
// on a wide screen, where they have a column of their own, they open.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia("(min-width: 48rem)").matches) return;
  document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
    details.open = true;
  });
});
