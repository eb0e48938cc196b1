/* piasite build --offline: search from file:// (a site opened from disk, as the PR's artifact).
   Pagefind cannot fetch its index there; this reads search/offline-index.js (the indexed text of the
   pages, cut at each item) instead. From a web server, Pagefind answers as on the public site. */
(function () {
  if (location.protocol !== "file:" || !window.piasiteOfflineIndex) return;
  var box = document.getElementById("pia-search");
  if (!box) return;
  window.piasiteOffline = true;  // piasite.js leaves the box to this script
  var root = box.getAttribute("data-root") || "./";
  var abbrev = {};
  try {
    var given = JSON.parse(box.getAttribute("data-abbrev") || "{}");
    Object.keys(given).forEach(function (k) { abbrev[k.normalize("NFKC").toLowerCase()] = given[k].normalize("NFKC").toLowerCase(); });
  } catch (e) { /* no abbreviations */ }
  var norm = function (t) { return (t || "").normalize("NFKC").toLowerCase(); };
  var pages = window.piasiteOfflineIndex.map(function (p) {
    return { u: p.u, t: p.t, s: p.s.map(function (s) { var x = s[2].normalize("NFKC"); return { id: s[0], h: s[1], x: x, n: x.toLowerCase() }; }) };
  });

  var form = document.createElement("form");
  form.setAttribute("role", "search");
  form.className = "pia-offline-search";
  var input = document.createElement("input");
  input.type = "search";
  input.name = "q";
  input.placeholder = "委託先・システム・事務の名前などで検索";
  input.setAttribute("aria-label", "サイト内検索(委託先・システム・事務の名前など)");
  var button = document.createElement("button");
  button.type = "submit";
  button.textContent = "検索";
  var said = document.createElement("p");
  said.setAttribute("role", "status");
  var list = document.createElement("ol");
  list.className = "pia-offline-results";
  form.appendChild(input);
  form.appendChild(button);
  box.appendChild(form);
  box.appendChild(said);
  box.appendChild(list);

  var excerpt = function (el, text, words) {
    var low = text.toLowerCase(), at = low.indexOf(words[0]), start = Math.max(0, at - 30);
    var piece = text.slice(start, start + 120), lowPiece = piece.toLowerCase(), i = 0;
    if (start > 0) el.appendChild(document.createTextNode("…"));
    while (i < piece.length) {
      var next = -1, len = 0;
      words.forEach(function (w) { var j = lowPiece.indexOf(w, i); if (j >= 0 && (next < 0 || j < next)) { next = j; len = w.length; } });
      if (next < 0) { el.appendChild(document.createTextNode(piece.slice(i))); break; }
      if (next > i) el.appendChild(document.createTextNode(piece.slice(i, next)));
      var m = document.createElement("mark");
      m.textContent = piece.slice(next, next + len);
      el.appendChild(m);
      i = next + len;
    }
    if (start + 120 < text.length) el.appendChild(document.createTextNode("…"));
  };

  var search = function (q) {
    list.textContent = "";
    var words = norm(q).split(/\s+/).filter(Boolean).map(function (w) { return abbrev[w] || w; });
    if (!words.length) { said.textContent = ""; return; }
    var found = [];
    pages.forEach(function (p) {
      var holds = function (s) { return words.filter(function (w) { return s.n.indexOf(w) >= 0; }).length; };
      var all = p.s.filter(function (s) { return holds(s) === words.length; });
      var whole = words.every(function (w) { return p.s.some(function (s) { return s.n.indexOf(w) >= 0; }); });
      if (!whole) return;
      var best = all[0] || p.s.slice().sort(function (a, b) { return holds(b) - holds(a); })[0];
      found.push({ p: p, best: best, more: all.slice(1, 4), rank: all.length ? 0 : 1 });
    });
    found.sort(function (a, b) { return a.rank - b.rank; });
    said.textContent = found.length ? "「" + q + "」の結果 " + found.length + " 件(ディスクから開いたサイトの検索)" : "「" + q + "」を含むページはありません";
    found.slice(0, 50).forEach(function (f) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = root + f.p.u + (f.best.id ? "#" + encodeURIComponent(f.best.id) : "");
      a.textContent = f.p.t + (f.best.h ? " › " + f.best.h : "");
      li.appendChild(a);
      var p = document.createElement("p");
      excerpt(p, f.best.x, words);
      li.appendChild(p);
      f.more.forEach(function (s) {
        var sub = document.createElement("a");
        sub.className = "pia-offline-sub";
        sub.href = root + f.p.u + "#" + encodeURIComponent(s.id);
        sub.textContent = s.h || s.x.slice(0, 40);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(sub);
      });
      list.appendChild(li);
    });
  };
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    search(input.value);
  });
  input.addEventListener("input", function () { search(input.value); });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; search(q); }
})();
