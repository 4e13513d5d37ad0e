/* Tree browser: a unit's rows are fetched the first time its <details> opens.
   Without JavaScript the row still holds a link to the unit's page. */
(function () {
  "use strict";
  document.addEventListener("toggle", function (event) {
    var node = event.target;
    if (!node.open || !node.getAttribute || !node.getAttribute("data-src")) return;
    if (node.getAttribute("data-state")) return;
    var box = node.querySelector(".sub");
    if (!box || !window.fetch) return;
    if (node.dvFallback === undefined) node.dvFallback = box.innerHTML;
    var fallback = node.dvFallback;
    node.setAttribute("data-state", "loading");
    box.setAttribute("aria-busy", "true");
    box.insertAdjacentHTML("afterbegin", '<p class="loading">Đang tải…</p>');
    fetch(node.getAttribute("data-src"), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.redirected) {  /* session ended: go where the server sends us */
        window.location.href = response.url;
        return null;
      }
      if (!response.ok) throw new Error(response.status);
      return response.text();
    }).then(function (html) {
      if (html === null) return;
      box.innerHTML = html;
      node.setAttribute("data-state", "loaded");
      box.removeAttribute("aria-busy");
    }).catch(function () {
      node.removeAttribute("data-state");
      box.removeAttribute("aria-busy");
      box.innerHTML = '<p class="alert">Không tải được danh sách (mạng chậm hoặc mất kết nối). Hãy đóng rồi mở lại, hoặc bấm vào liên kết dưới đây.</p>' + fallback;
    });
  }, true);
})();
