/* piasite: search with Pagefind (files in this site only) and a search box in the header.
   The site root is found from this script's own address, so the site works under any sub-path. */
(function () {
  var me = document.currentScript && document.currentScript.src;
  var root = me ? new URL("../../", me) : new URL("/", location.href);

  // A search box's placeholder: the longest of these hints that fits the box as drawn (a cut hint
  // reads as a different word), measured again when the width changes.
  var fitPlaceholder = function (input, hints) {
    var fit = function () {
      var s = getComputedStyle(input), c = document.createElement("canvas").getContext("2d");
      var room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      c.font = s.fontStyle + " " + s.fontWeight + " " + s.fontSize + " " + s.fontFamily;
      var pick = hints[hints.length - 1];
      for (var i = 0; i < hints.length; i++) if (c.measureText(hints[i]).width <= room) { pick = hints[i]; break; }
      input.placeholder = pick;
    };
    fit();
    window.addEventListener("resize", fit);
  };

  // Header search box: sends the words to the search page.
  var header = document.querySelector(".md-header__inner");
  if (header && !document.getElementById("pia-search")) {
    var form = document.createElement("form");
    form.className = "pia-headsearch";
    form.setAttribute("role", "search");
    // opened from disk (piasite build --offline), a folder is a listing: the search page's file itself
    form.action = new URL(location.protocol === "file:" ? "search/index.html" : "search/", root).href;
    form.innerHTML = '<label class="pia-sr" for="pia-q">サイト内検索</label>' +
            '<input id="pia-q" name="q" type="search">' +
      '<button type="submit">検索</button>';
    header.appendChild(form);
    fitPlaceholder(form.querySelector("input"), ["委託先・システムなど", "検索"]);
  }

  // Arriving from a search result: Pagefind credits Japanese words to sections by its own word
  // splitting, which can pick a section holding only part of a compound (セキュリティ of
  // セキュリティゲート). If the section at the anchor does not hold every typed word, move to the
  // first item (or 別添2 row) that does. Only right after the search page sent us here.
  var norm = function (t) { return (t || "").normalize("NFKC").replace(/\s+/g, "").toLowerCase(); };
  try {
    var sent = JSON.parse(sessionStorage.getItem("pia-q") || "null");
    sessionStorage.removeItem("pia-q");
    var body = document.querySelector("[data-pagefind-body]");
    var from = document.referrer && new URL(document.referrer);
    var fromSearch = from && from.origin === location.origin && from.pathname.indexOf(root.pathname) === 0 &&
      ["", "search/"].indexOf(from.pathname.slice(root.pathname.length)) >= 0;
    if (sent && body && location.hash && fromSearch && Date.now() - sent.t < 600000) {
      var words = sent.q.split(/[\s\u3000]+/).map(norm).filter(Boolean);
      var holds = function (el) { var t = norm(el.textContent); return words.every(function (w) { return t.indexOf(w) >= 0; }); };
      var block = function (el) { return el.tagName === "TR" ? el : (el.closest(".pia-item, .pia-elem, section") || el); };
      var here = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (words.length && !(here && holds(block(here)))) {
        var items = body.querySelectorAll(".pia-item > .pia-hrow > [id], tr[id]");
        for (var i = 0; i < items.length; i++) {
          if (holds(block(items[i]))) {
            history.replaceState(null, "", "#" + items[i].id);
            items[i].scrollIntoView();
            break;
          }
        }
      }
    }
  } catch (e) { /* private mode without storage: stay where Pagefind sent us */ }

  var box = document.getElementById("pia-search");
  // opened from disk, assets/piasite/offline.js answers instead (Pagefind cannot fetch over file://)
  if (!box || typeof PagefindUI === "undefined" || window.piasiteOffline) return;
  // Queries are read as the index is written (NFKC: ＫＳＫ → KSK, ｴﾇ･ﾃｨ･ﾃｨ → エヌ・ティ・ティ), and an
  // abbreviation from content/aliases.yaml (略称:) becomes the name the documents write (NEC → 日本電気).
  var abbrev = {};
  try {
    var given = JSON.parse(box.getAttribute("data-abbrev") || "{}");
    Object.keys(given).forEach(function (k) { abbrev[k.normalize("NFKC").toLowerCase()] = given[k].normalize("NFKC"); });
  } catch (e) { /* no abbreviations */ }
  // A word of hiragana with a long-vowel mark (じーしーしー, まいなぽーたる) is a katakana word typed
  // without conversion: Japanese text writes ー only in katakana, so it is read as katakana.
  var kana = function (w) {
    return /^[\u3041-\u3096\u30fc]+$/.test(w) && w.indexOf("\u30fc") >= 0
      ? w.replace(/[\u3041-\u3096]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) + 0x60); }) : w;
  };
  var typed = [];  // the words of the last search, as read: which parts of a page hold them whole
  var processTerm = function (term) {
    var out = (term || "").normalize("NFKC").split(/\s+/).map(function (w) { return abbrev[w.toLowerCase()] || kana(w); }).join(" ").trim();
    typed = out.split(" ").map(norm).filter(Boolean);
    return out;
  };
  // Remember the words typed, for the correction above on the page a result opens.
  var remember = function (q) { try { sessionStorage.setItem("pia-q", JSON.stringify({ q: processTerm(q), t: Date.now() })); } catch (e) {} };
  box.addEventListener("input", function (e) { if (e.target.tagName === "INPUT") remember(e.target.value); });
  var base = root.pathname;
  // A large site's index is built in parts (one per group of organisations): merge them.
  var parts = (box.getAttribute("data-bundles") || "pagefind/").split(",");
  var ui = new PagefindUI({
    element: "#pia-search",
    bundlePath: base + parts[0],
    mergeIndex: parts.slice(1).map(function (p) { return { bundlePath: base + p, baseUrl: base }; }),
    baseUrl: base,
    showSubResults: true,
    showImages: false,
    processTerm: processTerm,
    translations: { placeholder: "委託先・システム・事務の名前などで検索" },
    // Land on the item. Every hit is credited to the nearest element with an id before it
    // (an item heading, or a 別添2 table row); the part whose hits weigh most — rare words
    // weigh more than 株式会社 — becomes the result's link, and each sub-result is narrowed alike.
    processResult: function (r) {
      var anchors = (r.anchors || []).filter(function (a) { return a.id; })
        .sort(function (a, b) { return a.location - b.location; });
      if (!anchors.length) return r;
      var page = r.url.split("#")[0];
      var content = r.raw_content || "";
      var zws = content.indexOf("\u200B") >= 0;
      var words = zws ? content.split("\u200B") : content.split(/[^\S\uFEFF]+/);
      var range = {};  // id -> [first word, end]: from its element to the next element with an id
      anchors.forEach(function (a, i) {
        if (!range[a.id]) range[a.id] = [a.location, anchors[i + 1] ? anchors[i + 1].location : words.length];
      });
      // How many of the words typed the part holds whole (日本電気, not 日本 of 日本年金機構 and 電気 elsewhere).
      var holds = function (id) {
        var g = range[id], t = norm(words.slice(g[0], g[1]).join(""));
        return typed.filter(function (w) { return t.indexOf(w) >= 0; }).length;
      };
      var weights = {};
      (r.weighted_locations || []).forEach(function (w) { weights[w.location] = w.balanced_score || w.weight || 1; });
      var owner = function (loc) {
        var lo = 0, hi = anchors.length - 1, best = -1;
        while (lo <= hi) { var mid = (lo + hi) >> 1; if (anchors[mid].location <= loc) { best = mid; lo = mid + 1; } else hi = mid - 1; }
        return best < 0 ? null : anchors[best];
      };
      // A part ranks first by how many of the words typed it holds whole, then by its longest run of
      // consecutive hits (the words typed, in order: 確定 申告 システム), then items before 別添2 rows (the item itself rather than a record
      // of its change), then by its best hit (an exact word outweighs a prefix), then by all its hits.
      var bestOf = function (locations) {
        var parts = {};
        locations.forEach(function (loc) {
          var a = owner(loc);
          if (a) (parts[a.id] = parts[a.id] || { el: a.element, locs: [] }).locs.push(loc);
        });
        var top = null;
        Object.keys(parts).forEach(function (id) {
          var locs = parts[id].locs.sort(function (a, b) { return a - b; });
          var run = 1, longest = 1, weight = 0, best = 0;
          locs.forEach(function (loc, i) {
            weight += weights[loc] || 1;
            best = Math.max(best, weights[loc] || 1);
            run = i && loc === locs[i - 1] + 1 ? run + 1 : 1;
            if (run > longest) longest = run;
          });
          var key = [holds(id), longest, parts[id].el === "tr" ? 0 : 1, best, weight];
          var better = !top;
          for (var k = 0; !better && k < key.length && key[k] >= top.key[k]; k++) better = key[k] > top.key[k];
          if (better) top = { id: id, key: key, locs: locs, run: runStart(locs) };
        });
        return top;
      };
      // Where the longest run of consecutive hits starts (the words typed, in order).
      var runStart = function (locs) {
        var start = locs[0], best = 0, from = locs[0], run = 0;
        locs.forEach(function (loc, i) {
          if (i && loc === locs[i - 1] + 1) run++; else { run = 0; from = loc; }
          if (run > best) { best = run; start = from; }
        });
        return start;
      };
      // The result's excerpt from the item it lands on, around the words typed: Pagefind's own is the
      // densest part of the whole page, often a part word elsewhere (日本 of 日本電気 in 日本年金機構).
      var excerptAt = function (top) {
        var lo = range[top.id][0], hi = range[top.id][1];
        // centred on the hit whose neighbourhood holds the most words typed whole, else the run
        var at = top.run, most = 0;
        top.locs.forEach(function (loc) {
          var t = norm(words.slice(Math.max(lo, loc - 6), loc + 7).join(""));
          var n = typed.filter(function (w) { return t.indexOf(w) >= 0; }).length;
          if (n > most) { most = n; at = loc; }
        });
        var len = 30, start = Math.max(lo, Math.min(at - 4, hi - len));
        var end = Math.min(hi, start + len), marked = {};
        top.locs.forEach(function (l) { marked[l] = true; });
        var out = [];
        for (var i = start; i < end; i++) out.push(marked[i] ? "<mark>" + words[i] + "</mark>" : words[i]);
        return out.join(zws ? "" : " ").trim();
      };
      var all = bestOf(r.locations || []);
      if (all) {
        r.url = page + "#" + all.id;
        var ex = excerptAt(all);
        if (ex) r.excerpt = ex;
      }
      var later = function (a, b) {
        for (var k = 0; k < a.key.length; k++) if (a.key[k] !== b.key[k]) return b.key[k] - a.key[k];
        return 0;
      };
      // A place is titled with the heading it stands under as well (委託事項1 申告情報… › ③委託先名):
      // three "③委託先名" under one result cannot be told apart. Pagefind UI prints titles as text.
      var level = function (a) { var m = /^h([1-6])$/.exec(a.element || ""); return m ? +m[1] : 0; };
      var titled = function (id, fallback) {
        var i = anchors.map(function (a) { return a.id; }).indexOf(id), lv = i < 0 ? 0 : level(anchors[i]);
        for (var j = i - 1; lv && j >= 0; j--) {
          var l = level(anchors[j]);
          if (l && l < lv) return (anchors[j].text || "").trim() + " › " + (anchors[i].text || "").trim();
        }
        return fallback;
      };
      var subs = [];
      (r.sub_results || []).forEach(function (s) {
        var b = s.anchor && bestOf(s.locations || []);
        if (!b) return;
        s.url = page + "#" + b.id;
        s.title = titled(b.id, s.title);
        s.excerpt = excerptAt(b) || s.excerpt;
        s.key = b.key;
        subs.push(s);
      });
      if (all && subs.length) {
        // The places shown under a result: those holding the words typed as well as any part does
        // (as many of them whole, the longest run of hits), best first, each once. The first is the result's own landing, which
        // Pagefind UI then shows as the result's excerpt (ours, above) rather than as a sub-result.
        var most = Math.max.apply(null, subs.map(function (s) { return s.key[0]; }));
        var longest = Math.max.apply(null, subs.filter(function (s) { return s.key[0] >= most; }).map(function (s) { return s.key[1]; }));
        var seen = {}, rest = [];
        subs.filter(function (s) { return s.key[0] >= most && s.key[1] >= longest; }).sort(later).forEach(function (s) {
          if (!seen[s.url] && s.url !== r.url) { seen[s.url] = true; rest.push(s); }
        });
        var own = subs.filter(function (s) { return s.url === r.url; })[0] ||
          { title: r.meta && r.meta.title, url: r.url, excerpt: r.excerpt, locations: all.locs, weighted_locations: [] };
        r.sub_results = [own].concat(rest.slice(0, 3));
      }
      return r;
    }
  });
  // Pagefind's input has only a placeholder: give it an accessible name.
  var name = function () {
    var input = box.querySelector("input");
    if (input) {
      input.setAttribute("aria-label", "サイト内検索(委託先・システム・事務の名前など)");
      fitPlaceholder(input, ["委託先・システム・事務の名前などで検索", "委託先・システムなどで検索", "名前や語句で検索", "検索"]);
    }
    return !!input;
  };
  if (!name()) new MutationObserver(function (m, obs) { if (name()) obs.disconnect(); }).observe(box, { childList: true, subtree: true });
  // Phones: the filters (one row each, ~300 px) are folded behind one control under the search box, so
  // that the first result is on the first screen; the control says how many are chosen. Wide screens
  // show the panel beside the results as Pagefind lays it out (the control is hidden there).
  box.classList.add("pia-folded");
  var fold = function () {
    var panel = box.querySelector(".pagefind-ui__filter-panel");
    var drawer = box.querySelector(".pagefind-ui__drawer");
    if (!panel || !drawer) return false;
    if (!panel.id) panel.id = "pia-filters";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "pia-filter-toggle";
    button.setAttribute("aria-controls", panel.id);
    button.setAttribute("aria-expanded", "false");
    var label = function () {
      var n = panel.querySelectorAll("input:checked").length;
      button.textContent = "絞り込み" + (n ? "(" + n + " 件を選択中)" : "");
    };
    button.addEventListener("click", function () {
      var open = box.classList.toggle("pia-folded") === false;
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
    panel.addEventListener("change", label);
    label();
    drawer.parentNode.insertBefore(button, drawer);  // under the box, above the results
    return true;
  };
  if (!fold()) new MutationObserver(function (m, obs) { if (fold()) obs.disconnect(); }).observe(box, { childList: true, subtree: true });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { remember(q); ui.triggerSearch(q); }
})();
