/* piasite: finding your way through a long assessment (issue #10.5) and printing it (#10.11).
   - the page's 項目一覧 is repeated in the engine's right-hand sidebar, the current part marked;
   - a line under the header says which part / 特定個人情報ファイル / section you are reading;
   - table cells without a data-label get their column's heading (phones show rows as cards);
   - printing opens every collapsed box. Without JavaScript the 項目一覧 stays on the page. */
(function () {
  var toc = document.querySelector(".pia-toc");
  var labelCells = function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        if (td.tagName === "TD" && !td.hasAttribute("data-label") && heads[i]) td.setAttribute("data-label", heads[i]);
      });
    });
  };
  document.querySelectorAll(".md-typeset table").forEach(function (t) {
    labelCells(t);
    var body = t.querySelector("tbody");
    if (body && body.id) new MutationObserver(function () { labelCells(t); }).observe(body, { childList: true });
  });

  // A table or a code block (the guides) wider than its box scrolls there: keyboard users must be
  // able to scroll it too.
  var scrollable = function () {
    document.querySelectorAll(".pia-table-wrap, .md-typeset pre > code").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute("tabindex")) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", wrap.tagName === "CODE" ? "コード(横にスクロールできます)" : "表(横にスクロールできます)");
      }
    });
  };
  scrollable();
  window.addEventListener("load", scrollable);
  window.addEventListener("resize", scrollable);

  // Print: the official form has no collapsed parts.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () { opened.forEach(function (d) { d.open = false; }); opened = []; });

  // A long page (an assessment runs to 200,000 px on a phone): from anywhere, back to the top and the
  // page's item list (項目一覧, or an index's list of names), in a small bar shown once the reader has
  // scrolled past the first screens. The list opens in place; choosing an entry closes it.
  var list0 = toc ? toc.querySelector("ul") : document.querySelector(".pia-az ul");
  if (document.documentElement.scrollHeight > 3 * window.innerHeight) {
    var bar = document.createElement("nav");
    bar.className = "pia-jump";
    bar.setAttribute("aria-label", "ページ内の移動");
    bar.hidden = true;
    var top = document.createElement("a");
    top.className = "pia-jump-top";
    top.href = "#";
    top.textContent = "ページの先頭へ";
    top.addEventListener("click", function (e) {
      e.preventDefault();
      window.scrollTo(0, 0);
      var h1 = document.querySelector(".md-content h1");
      if (h1) { h1.tabIndex = -1; h1.focus({ preventScroll: true }); }
    });
    bar.appendChild(top);
    if (list0) {
      var panel = document.createElement("div");
      panel.className = "pia-jump-list";
      panel.id = "pia-jump-list";
      panel.hidden = true;
      panel.appendChild(list0.cloneNode(true));
      panel.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
      var open = document.createElement("button");
      open.type = "button";
      open.className = "pia-jump-open";
      open.textContent = toc ? "項目一覧" : "一覧";
      open.setAttribute("aria-expanded", "false");
      open.setAttribute("aria-controls", panel.id);
      var shut = function () { panel.hidden = true; open.setAttribute("aria-expanded", "false"); };
      open.addEventListener("click", function () {
        panel.hidden = !panel.hidden;
        open.setAttribute("aria-expanded", panel.hidden ? "false" : "true");
        if (!panel.hidden) { var a = panel.querySelector("a"); if (a) a.focus(); }
      });
      panel.addEventListener("click", function (e) { if (e.target.closest("a")) shut(); });
      bar.addEventListener("keydown", function (e) { if (e.key === "Escape" && !panel.hidden) { shut(); open.focus(); } });
      bar.insertBefore(panel, top);
      bar.appendChild(open);
    }
    (document.querySelector(".md-main") || document.body).appendChild(bar);
    var shown = function () { bar.hidden = window.scrollY < window.innerHeight; };
    window.addEventListener("scroll", shown, { passive: true });
    shown();
  }

  if (!toc) return;
  var side = document.querySelector(".md-sidebar--secondary .md-sidebar__inner");
  var list = toc.querySelector("ul");
  var sideLinks = [];
  if (side && list) {
    var nav = document.createElement("nav");
    nav.className = "pia-toc-side";
    nav.setAttribute("aria-label", "項目一覧(サイドバー)");
    nav.innerHTML = '<p class="pia-toc-h" aria-hidden="true">項目一覧</p>';
    var copy = list.cloneNode(true);
    nav.appendChild(copy);
    side.textContent = "";
    side.appendChild(nav);
    sideLinks = Array.prototype.slice.call(copy.querySelectorAll("a"));
  }
  // Entries: (element, depth, label) in page order, depth from the nesting of the list.
  var entries = [];
  toc.querySelectorAll("a").forEach(function (a, i) {
    var el = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    var depth = 0, p = a.parentElement;
    while (p && p !== list) { if (p.tagName === "UL") depth++; p = p.parentElement; }
    if (el) entries.push({ el: el, depth: depth, label: a.textContent, side: sideLinks[i] });
  });
  var line = document.createElement("div");
  line.className = "pia-context";
  line.setAttribute("aria-hidden", "true");  // what the headings already say, for the eye while scrolling
  line.hidden = true;
  toc.parentElement.insertBefore(line, toc);
  var current = null;
  var update = function () {
    var limit = 110, chain = [], last = null;
    for (var i = 0; i < entries.length; i++) {
      if (entries[i].el.getBoundingClientRect().top > limit) break;
      var e = entries[i];
      chain = chain.slice(0, e.depth);
      chain[e.depth] = e.label;
      last = e;
    }
    line.hidden = !last;
    line.textContent = chain.filter(Boolean).join(" › ");
    if (last !== current) {
      if (current && current.side) current.side.removeAttribute("aria-current");
      if (last && last.side) last.side.setAttribute("aria-current", "location");
      current = last;
    }
  };
  var queued = false;
  window.addEventListener("scroll", function () {
    if (!queued) { queued = true; requestAnimationFrame(function () { queued = false; update(); }); }
  }, { passive: true });
  update();
})();
