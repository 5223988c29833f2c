/* qegraph viewer: the search box both viewer pages share (prepended to each page's script).
   Case, hyphens, spaces and pinyin tone marks do not matter: "Exam oriented", "exam-oriented"
   and "yingshi" find the same concepts. Every text is set with textContent. */
window.qegraphSearch = function (nodes, options) {
  "use strict";
  var search = document.getElementById("qe-search");
  var results = document.getElementById("qe-results");
  var matches = [], active = 0;

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[\s\-_\u2010-\u2015\u00B7.,'\u2019]+/g, "");
  }
  nodes.forEach(function (n) {
    n.folded = [n.en, n.zh, n.curie].concat(n.alt).map(fold);
  });

  function find(query) {
    var q = fold(query);
    if (!q) { return []; }
    var scored = [];
    nodes.forEach(function (n) {
      var best = 99;
      n.folded.forEach(function (s) {
        var at = s.indexOf(q);
        if (at < 0) { return; }
        var rank = s === q ? 0 : at === 0 ? 1 : 2;
        if (rank < best) { best = rank; }
      });
      if (best < 99) { scored.push([best, options.label(n).toLowerCase(), n]); }
    });
    scored.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0); });
    return scored.slice(0, 12).map(function (s) { return s[2]; });
  }

  function showResults() {
    matches = find(search.value);
    active = 0;
    while (results.firstChild) { results.removeChild(results.firstChild); }
    if (!search.value.trim()) { closeResults(); return; }
    if (!matches.length) {
      var none = el("li", "qe-empty", options.noMatch());
      none.setAttribute("role", "option");
      none.setAttribute("aria-disabled", "true");
      results.appendChild(none);
    }
    matches.forEach(function (n, i) {
      var li = el("li");
      li.setAttribute("role", "option");
      li.id = "qe-option-" + i;
      var b = el("button", i === 0 ? "qe-active" : "");
      b.type = "button";
      b.tabIndex = -1;
      b.appendChild(el("span", null, options.label(n)));
      b.appendChild(el("span", "qe-other", options.other(n)));
      b.addEventListener("click", function () { choose(n); });
      li.appendChild(b);
      results.appendChild(li);
    });
    results.hidden = false;
    search.setAttribute("aria-expanded", "true");
    markActive();
  }
  function closeResults() {
    results.hidden = true;
    search.setAttribute("aria-expanded", "false");
    search.removeAttribute("aria-activedescendant");
  }
  function markActive() {
    var items = results.querySelectorAll("li[role=option]");
    items.forEach(function (li, i) {
      li.setAttribute("aria-selected", String(i === active));
      var b = li.querySelector("button");
      if (b) { b.className = i === active ? "qe-active" : ""; }
    });
    if (matches.length) { search.setAttribute("aria-activedescendant", "qe-option-" + active); }
  }
  function choose(n) {
    closeResults();
    search.value = options.label(n);
    options.choose(n);
  }
  search.addEventListener("input", showResults);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (results.hidden) { showResults(); } else if (matches.length) {
        active = (active + (ev.key === "ArrowDown" ? 1 : -1) + matches.length) % matches.length;
        markActive();
        var b = results.querySelectorAll("button")[active];
        if (b) { b.scrollIntoView({ block: "nearest" }); }
      }
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      matches = find(search.value);
      if (matches.length) { choose(matches[Math.min(active, matches.length - 1)]); }
    } else if (ev.key === "Escape") {
      search.value = "";
      closeResults();
    }
  });
  document.addEventListener("click", function (ev) {
    if (!results.contains(ev.target) && ev.target !== search) { closeResults(); }
  });

  /* The page calls refresh() after a language switch, so open results show the new labels. */
  return {
    input: search, find: find, fold: fold,
    refresh: function () { if (!results.hidden) { showResults(); } }
  };
};
