/* 落实: a light layer over server-rendered pages. Everything works without it; with it the
   reader shows figure details in place, forms are checked before sending and drafts are kept. */
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  /* ---- reader: a figure's details in the side panel ---- */
  function initReader() {
    var text = $("article.text[data-figure-base]");
    var panel = $("#panel");
    if (!text || !panel) return;
    var base = text.getAttribute("data-figure-base");
    var tasks = text.hasAttribute("data-tasks");
    text.addEventListener("click", function (ev) {
      var a = ev.target.closest("a.fig");
      var t = ev.target.closest("span.task");
      if (!a && t && tasks) { showTask(t); return; }
      if (!a) return;
      ev.preventDefault();
      var id = a.getAttribute("data-fig");
      $all("a.fig-on", text).forEach(function (x) { x.classList.remove("fig-on"); });
      a.classList.add("fig-on");
      fetch(base + encodeURIComponent(id), { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) {
          panel.innerHTML = html; /* rendered and escaped by the server */
          panel.focus({ preventScroll: true });
          if (history.replaceState) history.replaceState(null, "", "?fig=" + id + "#f-" + id);
        })
        .catch(function () { panel.textContent = "无法加载该数字的详情，请刷新页面重试。"; });
    });
  }

  /* a task's text clicked in the reader: the panel names it and links to its page */
  function showTask(span) {
    var panel = $("#panel");
    var id = span.getAttribute("data-task");
    $all("span.task-on").forEach(function (x) { x.classList.remove("task-on"); });
    span.classList.add("task-on");
    panel.innerHTML = "";
    var h = document.createElement("h2"); h.textContent = "任务 " + span.getAttribute("data-number");
    var p = document.createElement("p"); p.className = "quote"; p.textContent = span.textContent;
    var a = document.createElement("a"); a.href = "/tasks/" + encodeURIComponent(id); a.textContent = "打开任务页（分工、进展、评价）";
    panel.appendChild(h); panel.appendChild(p); panel.appendChild(a);
    panel.focus({ preventScroll: true });
  }

  /* ---- task board: select every row of the page ---- */
  function initBoard() {
    var all = $("[data-check-all]");
    if (!all) return;
    all.addEventListener("change", function () {
      $all('input[name="task"]').forEach(function (c) { c.checked = all.checked; });
    });
  }

  /* ---- progress forms: check in the browser, keep a draft until it is submitted ---- */
  var FIELDS = ["reported_on", "status", "percent", "value", "narrative", "problems", "next_steps",
                "evidence_name", "evidence_url"];

  function problems(form) {
    var out = [];
    var v = function (n) { var el = form.elements[n]; return el ? el.value.trim() : ""; };
    var today = new Date(); today.setMinutes(today.getMinutes() - today.getTimezoneOffset());
    var iso = today.toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v("reported_on"))) out.push("请填写报送日期（年-月-日）。");
    else if (v("reported_on") > iso) out.push("报送日期不能晚于今天。");
    if (!v("status")) out.push("请选择工作状态。");
    if (v("percent") !== "") {
      var p = Number(v("percent"));
      if (isNaN(p)) out.push("完成度应是数字（0–100）。");
      else if (p < 0 || p > 100) out.push("完成度应在 0 到 100 之间。");
    }
    if (v("value") !== "" && isNaN(Number(v("value")))) out.push("当前值应是数字。");
    if (!v("narrative")) out.push("请填写进展情况。");
    if ((v("evidence_name") || v("evidence_url")) &&
        !(v("evidence_name") && /^https?:\/\//.test(v("evidence_url"))))
      out.push("佐证材料需要名称和以 http:// 或 https:// 开头的链接。");
    return out;
  }

  function store() { try { return window.localStorage; } catch (e) { return null; } }

  function initForms() {
    var ls = store();
    var saved = new URLSearchParams(location.search).get("saved");
    if (ls && saved) ls.removeItem("luoshi-draft-task-" + saved);
    $all("form[data-draft]").forEach(function (form) {
      var key = "luoshi-draft-" + form.getAttribute("data-draft");
      var hasServerErrors = !!$(".error", form);
      if (ls && !hasServerErrors) {
        var raw = ls.getItem(key);
        if (raw) {
          try {
            var d = JSON.parse(raw);
            FIELDS.forEach(function (n) { if (form.elements[n] && d[n] != null) form.elements[n].value = d[n]; });
            var note = $(".draft-note", form); if (note) note.hidden = false;
          } catch (e) { ls.removeItem(key); }
        }
      }
      form.addEventListener("input", function () {
        if (!ls) return;
        var d = {};
        FIELDS.forEach(function (n) { if (form.elements[n]) d[n] = form.elements[n].value; });
        ls.setItem(key, JSON.stringify(d));
      });
      form.addEventListener("submit", function (ev) {
        var errs = problems(form);
        var box = $(".errors", form);
        if (errs.length) {
          ev.preventDefault();
          box.innerHTML = "";
          var p = document.createElement("p"); p.textContent = "请先更正：";
          var ul = document.createElement("ul");
          errs.forEach(function (t) { var li = document.createElement("li"); li.textContent = t; ul.appendChild(li); });
          box.appendChild(p); box.appendChild(ul); box.hidden = false;
          box.setAttribute("tabindex", "-1"); box.focus();
        } else if (box) { box.hidden = true; }
      });
    });
  }

  /* ---- import: a file over the size limit is refused before it is sent ---- */
  function initUpload() {
    var input = $("input[type=file][data-max-bytes]");
    if (!input) return;
    input.form.addEventListener("submit", function (ev) {
      var max = Number(input.getAttribute("data-max-bytes"));
      var f = input.files && input.files[0];
      var box = $(".errors", input.form);
      if (f && max && f.size > max) {
        ev.preventDefault();
        box.textContent = "文件超过大小上限（" + (max / 1048576).toFixed(1) + " MB），请选择较小的文件。";
        box.hidden = false; box.setAttribute("tabindex", "-1"); box.focus();
      } else if (box) { box.hidden = true; }
    });
  }

  function initPrint() {
    $all("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initReader(); initBoard(); initForms(); initUpload(); initPrint();
  });
})();
