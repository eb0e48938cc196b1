/* piasite: search with Pagefind (files in this site only) and a search box in the header.
   The site root is found from this script's own address, so the site works under any sub-path. */
(function () {
  var me = document.currentScript && document.currentScript.src;
  var root = me ? new URL("../../", me) : new URL("/", location.href);

  // Header search box: sends the words to the search page.
  var header = document.querySelector(".md-header__inner");
  if (header && !document.getElementById("pia-search")) {
    var form = document.createElement("form");
    form.className = "pia-headsearch";
    form.setAttribute("role", "search");
    form.action = new URL("search/", root).href;
    form.innerHTML = '<label class="pia-sr" for="pia-q">サイト内検索</label>' +
      '<input id="pia-q" name="q" type="search" placeholder="委託先・システムなど">' +
      '<button type="submit">検索</button>';
    header.appendChild(form);
  }

  var box = document.getElementById("pia-search");
  if (!box || typeof PagefindUI === "undefined") return;
  var base = root.pathname;
  var ui = new PagefindUI({
    element: "#pia-search",
    bundlePath: base + "pagefind/",
    baseUrl: base,
    showSubResults: true,
    showImages: false,
    translations: { placeholder: "委託先・システム・事務の名前などで検索" },
    // Land on the item: the anchored section with the most hits becomes the result's link.
    processResult: function (r) {
      var subs = (r.sub_results || []).filter(function (s) { return s.anchor && s.anchor.id; });
      if (subs.length) {
        var score = function (s) {
          var w = s.weighted_locations || [];
          return w.length ? w.reduce(function (t, l) { return t + (l.balanced_score || 0); }, 0) : (s.locations || []).length;
        };
        subs.sort(function (a, b) { return score(b) - score(a); });
        r.url = subs[0].url;
      }
      return r;
    }
  });
  // Pagefind's input has only a placeholder: give it an accessible name.
  var name = function () {
    var input = box.querySelector("input");
    if (input) input.setAttribute("aria-label", "サイト内検索(委託先・システム・事務の名前など)");
    return !!input;
  };
  if (!name()) new MutationObserver(function (m, obs) { if (name()) obs.disconnect(); }).observe(box, { childList: true, subtree: true });
  var q = new URLSearchParams(location.search).get("q");
  if (q) ui.triggerSearch(q);
})();
