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

/* The header's menu (trình đơn) on a phone. Without JavaScript a checkbox and its label
   open it; here they become one button that says whether the menu is open
   (aria-expanded), and Escape closes it. */
(function () {
  "use strict";
  var box = document.getElementById("menu-mo");
  var label = box && document.querySelector('label[for="menu-mo"]');
  if (!box || !label) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "menu-btn";
  button.setAttribute("aria-controls", "menu");
  button.innerHTML = label.innerHTML;
  label.parentNode.replaceChild(button, label);
  box.tabIndex = -1;
  box.setAttribute("aria-hidden", "true");
  function show(open) {
    box.checked = open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  show(box.checked);
  button.addEventListener("click", function () { show(!box.checked); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && box.checked) {
      show(false);
      button.focus();
    }
  });
})();
