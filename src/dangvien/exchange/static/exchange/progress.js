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
        bar.setAttribute("aria-valuenow", s.percent);
        bar.querySelector("span").style.width = s.percent + "%";
        box.querySelector(".imp-pct").textContent = s.percent;
        box.querySelector(".imp-done").textContent = s.done.toLocaleString("vi-VN");
        if (s.finished) { window.location.reload(); return; }
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 500);
})();
