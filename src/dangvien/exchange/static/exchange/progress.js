/* The progress bar of an import or a file job: ask the server every second; reload when
   the job ends. A server error (the web server restarting) is asked again a little later:
   the job runs in `dangvien worker` and goes on meanwhile.
   Without JavaScript a reload of the page shows the same figures. */
(function () {
  "use strict";
  var box = document.getElementById("imp-progress");
  if (!box || !window.fetch) return;
  var bar = box.querySelector(".imp-bar");
  function tick() {
    fetch(box.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) {
        if (r.ok) return r.json();
        if (r.status >= 500) setTimeout(tick, 3000);  // restarting, or busy: ask again
        return null;
      })
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
