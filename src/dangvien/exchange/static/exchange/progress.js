/* The import's progress bar: ask the server every second; reload when the save ends.
   Without JavaScript a reload of the page shows the same figures. */
(function () {
  "use strict";
  var box = document.getElementById("imp-progress");
  if (!box || !window.fetch) return;
  var bar = box.querySelector(".imp-bar");
  function tick() {
    fetch(box.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        bar.value = s.percent;  // a <progress>: no style to set (no inline styles under the CSP)
        bar.textContent = s.percent + "%";
        box.querySelector(".imp-pct").textContent = s.percent;
        box.querySelector(".imp-done").textContent = s.done.toLocaleString("vi-VN");
        if (s.finished) { window.location.reload(); return; }
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 500);
})();
