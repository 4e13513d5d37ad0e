/* Xếp loại: the live tally of the entry form (ratings/entry.html). */
(function () {
  "use strict";
  var form = document.getElementById("rt-form"), live = document.getElementById("rt-live");
  if (!form || !live) return;
  var cap = parseInt(form.getAttribute("data-cap"), 10);
  function tally() {
    var n = {xuat_sac: 0, tot: 0, hoan_thanh: 0, khong_hoan_thanh: 0};
    form.querySelectorAll("input[type=radio]:checked").forEach(function (i) { n[i.value] += 1; });
    var bands = (form.getAttribute("data-bands") || "").split(",").map(Number);
    if (bands.length === 3) {
      form.querySelectorAll("input[name^=diem-]").forEach(function (i) {
        var v = i.value.trim();
        if (!/^\d+$/.test(v) || Number(v) > 100) return;
        v = Number(v);
        n[v >= bands[0] ? "xuat_sac" : v >= bands[1] ? "tot" : v >= bands[2] ? "hoan_thanh" : "khong_hoan_thanh"] += 1;
      });
    }
    var text = "Đang chọn: " + n.xuat_sac + " xuất sắc, " + n.tot + " tốt, " + n.hoan_thanh +
      " hoàn thành, " + n.khong_hoan_thanh + " không hoàn thành.";
    if (n.xuat_sac * 100 > cap * n.tot) {
      text += " Vượt " + cap + "%: xuất sắc nhiều hơn " + cap + "% số tốt.";
    }
    live.textContent = text;
  }
  form.addEventListener("change", tally);
  form.addEventListener("input", tally);
  tally();
})();
