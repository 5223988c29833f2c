/* qegraph viewer. Every text that comes from the graph is set with textContent, never as HTML. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("qe-data").textContent);
  var UI = {
    en: {
      search: "Search a concept (English or 中文)", colorBy: "Colour by", bySide: "paradigm side",
      byType: "type", byCommunity: "community", sides: "Paradigm side", types: "Types",
      relations: "Relations", communities: "Communities", relation: "relation",
      definition: "Definition", type: "Type", alsoCalled: "Also called",
      outgoing: "Relations from here", incoming: "Relations to here",
      passages: "Source passages", noPassage: "No source passage recorded.",
      noRelation: "No relation drawn.", noMatch: "No concept matches.", paragraph: "paragraph",
      line: "line", close: "Close", concepts: "concepts", edges: "relations",
      hint: "Click a concept for its details; drag to move, scroll to zoom.",
      side: { quality: "quality education", exam: "exam-oriented", neutral: "neither side" },
      community: "community", members: "members"
    },
    "zh-Hans": {
      search: "搜索概念（中文或 English）", colorBy: "着色依据", bySide: "范式归属",
      byType: "类型", byCommunity: "社群", sides: "范式归属", types: "类型",
      relations: "关系", communities: "社群", relation: "关系",
      definition: "定义", type: "类型", alsoCalled: "又称",
      outgoing: "由此出发的关系", incoming: "指向此处的关系",
      passages: "来源段落", noPassage: "没有记录来源段落。",
      noRelation: "图中没有关系。", noMatch: "没有匹配的概念。", paragraph: "段",
      line: "行", close: "关闭", concepts: "个概念", edges: "条关系",
      hint: "点击概念查看详情；拖动移动，滚轮缩放。",
      side: { quality: "素质教育", exam: "应试教育", neutral: "中性" },
      community: "社群", members: "个成员"
    }
  };
  var GLYPHS = {
    dot: "\u25CF", diamond: "\u25C6", star: "\u2605", triangle: "\u25B2",
    triangleDown: "\u25BC", square: "\u25A0", hexagon: "\u2B22"
  };

  var lang = DATA.lang === "zh-Hans" ? "zh-Hans" : "en";
  var colorBy = DATA.colorBy;
  var byId = {};
  var hiddenSides = {};
  var hiddenTypes = {};
  var currentNode = null;
  var typeLabels = {};
  DATA.legend.types.forEach(function (t) { typeLabels[t.key] = t; });
  DATA.nodes.forEach(function (n) { byId[n.id] = n; });

  function t(key) { return UI[lang][key]; }
  function zh() { return lang === "zh-Hans"; }
  function nodeLabel(n) { return zh() ? n.zh : n.en; }
  function otherLabel(n) { return zh() ? n.en : n.zh; }
  function pick(item) { return zh() ? item.zh : item.en; }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } }

  function nodeColor(n) {
    if (colorBy === "type") { return DATA.colors.type[n.type] || "#7f7f7f"; }
    if (colorBy === "community") {
      var palette = DATA.colors.community;
      return palette[n.community % palette.length];
    }
    return DATA.colors.side[n.side] || "#607d8b";
  }
  function darker(hex) {
    var v = parseInt(hex.slice(1), 16);
    var r = Math.round(((v >> 16) & 255) * 0.7);
    var g = Math.round(((v >> 8) & 255) * 0.7);
    var b = Math.round((v & 255) * 0.7);
    return "#" + ((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1);
  }

  function tooltip(n) {
    var box = el("div");
    box.appendChild(el("strong", null, nodeLabel(n)));
    var type = typeLabels[n.type];
    box.appendChild(el("div", "qe-tip-type", (type ? pick(type) : n.type) + " \u00B7 " +
      t("side")[n.side]));
    if (n.def) {
      box.appendChild(el("div", null, n.def.length > 220 ? n.def.slice(0, 217) + "\u2026" : n.def));
    }
    return box;
  }

  function visNode(n) {
    var c = nodeColor(n);
    return {
      id: n.id, label: nodeLabel(n), shape: n.shape, size: n.size, x: n.x, y: n.y,
      borderWidth: n.focus ? 4 : 1.5, borderWidthSelected: 4,
      color: { background: c, border: darker(c),
        highlight: { background: c, border: "#111111" }, hover: { background: c, border: "#111111" } },
      font: { size: 18, color: "#1d2327", strokeWidth: 3, strokeColor: "#ffffff",
        face: "system-ui, 'Noto Sans CJK SC', 'Noto Sans', sans-serif" },
      title: tooltip(n),
      hidden: !!(hiddenSides[n.side] || hiddenTypes[n.type])
    };
  }

  function edgeLabel(e) {
    var text = zh() ? e.zh : e.en;
    if (e.opposes && e.axisEn) { text += " \u00B7 " + (zh() ? e.axisZh : e.axisEn); }
    return text;
  }

  var pairCount = {};
  function visEdge(e) {
    var a = Math.min(e.from, e.to), b = Math.max(e.from, e.to);
    var k = pairCount[a + "," + b] = (pairCount[a + "," + b] || 0) + 1;
    var smooth = k === 1 ? { enabled: true, type: "continuous", roundness: 0.2 }
      : { enabled: true, type: k % 2 ? "curvedCW" : "curvedCCW", roundness: 0.18 * Math.ceil(k / 2) };
    return {
      id: e.id, from: e.from, to: e.to, label: edgeLabel(e), smooth: smooth,
      arrows: e.opposes ? { to: false } : { to: { enabled: true, scaleFactor: 0.55 } },
      dashes: e.opposes ? [9, 6] : false,
      width: e.opposes ? 3 : 1.2,
      color: e.opposes ? { color: "#d32f2f", highlight: "#9a0007", hover: "#9a0007" }
        : { color: "#a7b1b9", highlight: "#37474f", hover: "#37474f" },
      font: { size: 10, color: e.opposes ? "#b71c1c" : "#5f6b73", strokeWidth: 3,
        strokeColor: "#ffffff", align: "middle" }
    };
  }

  var nodes = new vis.DataSet(DATA.nodes.map(visNode));
  var edges = new vis.DataSet(DATA.edges.map(visEdge));
  var container = document.getElementById("qe-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    autoResize: true,
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 42 },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: DATA.nodes.length > 400,
      hideEdgesOnZoom: DATA.nodes.length > 400, multiselect: false, keyboard: false },
    edges: { selectionWidth: 1.5 }
  });

  /* ---- side panel ---------------------------------------------------------------------- */

  var panel = document.getElementById("qe-panel");
  var panelBody = document.getElementById("qe-panel-body");

  function linkTo(n) {
    var b = el("button", "qe-link", nodeLabel(n));
    b.type = "button";
    b.addEventListener("click", function () { selectNode(n.id); });
    return b;
  }

  function relationItems(n, outgoing) {
    var list = el("ul");
    DATA.edges.forEach(function (e) {
      if ((outgoing ? e.from : e.to) !== n.id) { return; }
      var other = byId[outgoing ? e.to : e.from];
      var li = el("li");
      li.appendChild(el("span", "qe-pred" + (e.opposes ? " qe-opposes" : ""), edgeLabel(e)));
      li.appendChild(document.createTextNode(outgoing ? " \u2192 " : " \u2190 "));
      li.appendChild(linkTo(other));
      list.appendChild(li);
    });
    return list.childNodes.length ? list : null;
  }

  function renderPanel(n) {
    clear(panelBody);
    panelBody.appendChild(el("h2", null, nodeLabel(n)));
    panelBody.appendChild(el("p", "qe-second", otherLabel(n)));
    var badges = el("div", "qe-badges");
    var type = typeLabels[n.type];
    badges.appendChild(el("span", "qe-badge", type ? pick(type) : n.type));
    badges.appendChild(el("span", "qe-badge qe-" + n.side, t("side")[n.side]));
    panelBody.appendChild(badges);
    panelBody.appendChild(el("code", null, n.curie));
    if (n.alt.length) {
      panelBody.appendChild(el("h3", null, t("alsoCalled")));
      panelBody.appendChild(el("p", null, n.alt.join(" \u00B7 ")));
    }
    if (n.def) {
      panelBody.appendChild(el("h3", null, t("definition")));
      panelBody.appendChild(el("p", "qe-definition", n.def));
    }
    var out = relationItems(n, true), inc = relationItems(n, false);
    if (out) { panelBody.appendChild(el("h3", null, t("outgoing"))); panelBody.appendChild(out); }
    if (inc) { panelBody.appendChild(el("h3", null, t("incoming"))); panelBody.appendChild(inc); }
    if (!out && !inc) { panelBody.appendChild(el("p", "qe-none", t("noRelation"))); }
    panelBody.appendChild(el("h3", null, t("passages")));
    if (!n.passages.length) {
      panelBody.appendChild(el("p", "qe-none", t("noPassage")));
    } else {
      var list = el("ul", "qe-passages");
      n.passages.forEach(function (p) {
        var li = el("li", "qe-passage");
        li.appendChild(el("span", "qe-file", p.file));
        var where = [];
        if (p.para !== null) { where.push(zh() ? "第 " + p.para + " " + t("paragraph") : "\u00B6 " + p.para); }
        if (p.line !== null) { where.push(zh() ? "第 " + p.line + " " + t("line") : t("line") + " " + p.line); }
        li.appendChild(document.createTextNode(" " + where.join(", ")));
        if (p.title) { li.appendChild(el("span", "qe-doc", p.title)); }
        if (p.phrase) { li.appendChild(el("q", null, p.phrase)); }
        list.appendChild(li);
      });
      panelBody.appendChild(list);
    }
    panel.hidden = false;
  }

  function hidePanel() { panel.hidden = true; currentNode = null; }
  document.getElementById("qe-close").addEventListener("click", function () {
    network.unselectAll();
    hidePanel();
  });

  function selectNode(id) {
    var n = byId[id];
    if (!n) { return; }
    if (hiddenSides[n.side] || hiddenTypes[n.type]) {
      delete hiddenSides[n.side];
      delete hiddenTypes[n.type];
      renderFilters();
      applyFilters();
    }
    currentNode = n;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0),
      animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    renderPanel(n);
  }

  network.on("click", function (params) {
    if (params.nodes.length) {
      currentNode = byId[params.nodes[0]];
      renderPanel(currentNode);
    } else if (!params.edges.length) {
      hidePanel();
    }
  });

  /* ---- search -------------------------------------------------------------------------- */

  var search = document.getElementById("qe-search");
  var results = document.getElementById("qe-results");
  var matches = [];

  function find(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return []; }
    var scored = [];
    DATA.nodes.forEach(function (n) {
      var names = [n.en, n.zh, n.curie].concat(n.alt);
      var best = 99;
      names.forEach(function (name) {
        var s = String(name).toLowerCase();
        var at = s.indexOf(q);
        if (at < 0) { return; }
        var rank = s === q ? 0 : at === 0 ? 1 : 2;
        if (rank < best) { best = rank; }
      });
      if (best < 99) { scored.push([best, nodeLabel(n).toLowerCase(), n]); }
    });
    scored.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0); });
    return scored.slice(0, 12).map(function (s) { return s[2]; });
  }

  function showResults() {
    matches = find(search.value);
    active = 0;
    clear(results);
    if (!search.value.trim()) { results.hidden = true; return; }
    if (!matches.length) {
      results.appendChild(el("li", "qe-empty", t("noMatch")));
    }
    matches.forEach(function (n, i) {
      var li = el("li");
      li.setAttribute("role", "option");
      var b = el("button", i === 0 ? "qe-active" : "");
      b.type = "button";
      b.appendChild(el("span", null, nodeLabel(n)));
      b.appendChild(el("span", "qe-other", otherLabel(n)));
      b.addEventListener("click", function () { choose(n); });
      li.appendChild(b);
      results.appendChild(li);
    });
    results.hidden = false;
  }
  function choose(n) {
    results.hidden = true;
    search.value = nodeLabel(n);
    selectNode(n.id);
  }
  search.addEventListener("input", showResults);
  var active = 0;
  function highlight(next) {
    var buttons = results.querySelectorAll("button");
    if (!buttons.length) { return; }
    active = (next + buttons.length) % buttons.length;
    buttons.forEach(function (b, i) { b.className = i === active ? "qe-active" : ""; });
    buttons[active].scrollIntoView({ block: "nearest" });
  }
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (results.hidden) { showResults(); active = 0; } else {
        highlight(active + (ev.key === "ArrowDown" ? 1 : -1));
      }
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      matches = find(search.value);
      if (matches.length) { choose(matches[Math.min(active, matches.length - 1)]); }
    } else if (ev.key === "Escape") {
      search.value = "";
      results.hidden = true;
    }
  });
  document.addEventListener("click", function (ev) {
    if (!results.contains(ev.target) && ev.target !== search) { results.hidden = true; }
  });

  /* ---- filters and legend -------------------------------------------------------------- */

  function count(key, value) {
    return DATA.nodes.filter(function (n) { return n[key] === value; }).length;
  }

  function filterRow(marker, text, number, checked, onChange) {
    var row = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = checked;
    box.addEventListener("change", function () { onChange(box.checked); });
    row.appendChild(box);
    row.appendChild(marker);
    row.appendChild(el("span", "qe-name", text));
    row.appendChild(el("span", "qe-count", number));
    return row;
  }

  function renderFilters() {
    var sides = document.getElementById("qe-filter-side");
    clear(sides);
    DATA.legend.sides.forEach(function (s) {
      var n = count("side", s.key);
      if (!n) { return; }
      var sw = el("span", "qe-swatch");
      sw.style.background = DATA.colors.side[s.key];
      if (colorBy !== "side") { sw.style.opacity = "0.35"; }
      sides.appendChild(filterRow(sw, pick(s), n, !hiddenSides[s.key], function (on) {
        if (on) { delete hiddenSides[s.key]; } else { hiddenSides[s.key] = true; }
        applyFilters();
      }));
    });
    var types = document.getElementById("qe-filter-type");
    clear(types);
    DATA.legend.types.forEach(function (ty) {
      var glyph = el("span", "qe-glyph", GLYPHS[ty.shape] || "\u25CF");
      glyph.style.color = colorBy === "type" ? DATA.colors.type[ty.key] : "#546e7a";
      types.appendChild(filterRow(glyph, pick(ty), count("type", ty.key), !hiddenTypes[ty.key],
        function (on) {
          if (on) { delete hiddenTypes[ty.key]; } else { hiddenTypes[ty.key] = true; }
          applyFilters();
        }));
    });
    var edgeLegend = document.getElementById("qe-legend-edges");
    clear(edgeLegend);
    var opposesCount = DATA.edges.filter(function (e) { return e.opposes; }).length;
    var plain = el("div", "qe-row");
    plain.appendChild(el("span", "qe-edge-sample"));
    plain.appendChild(el("span", "qe-name", t("relation")));
    plain.appendChild(el("span", "qe-count", DATA.edges.length - opposesCount));
    edgeLegend.appendChild(plain);
    var opp = el("div", "qe-row");
    opp.appendChild(el("span", "qe-edge-sample qe-opposes"));
    opp.appendChild(el("span", "qe-name", pick(DATA.legend.opposes)));
    opp.appendChild(el("span", "qe-count", opposesCount));
    edgeLegend.appendChild(opp);
    var section = document.getElementById("qe-community-section");
    var communities = document.getElementById("qe-legend-community");
    clear(communities);
    section.hidden = colorBy !== "community";
    DATA.legend.communities.forEach(function (c) {
      var row = el("div", "qe-row");
      var sw = el("span", "qe-swatch");
      sw.style.background = DATA.colors.community[c.key % DATA.colors.community.length];
      row.appendChild(sw);
      row.appendChild(el("span", "qe-name", pick(c)));
      row.appendChild(el("span", "qe-count", c.size));
      communities.appendChild(row);
    });
  }

  function applyFilters() {
    nodes.update(DATA.nodes.map(function (n) {
      return { id: n.id, hidden: !!(hiddenSides[n.side] || hiddenTypes[n.type]) };
    }));
    updateStatus();
  }

  /* ---- language and colour ------------------------------------------------------------- */

  function updateStatus() {
    var shown = nodes.get({ filter: function (n) { return !n.hidden; } }).length;
    var status = document.getElementById("qe-status");
    var total = DATA.nodes.length === shown ? String(shown) : shown + " / " + DATA.nodes.length;
    status.textContent = total + " " + t("concepts") + " \u00B7 " + DATA.edges.length + " " +
      t("edges") + " \u00B7 " + t("hint");
  }

  function setLanguage(next) {
    lang = next === "zh-Hans" ? "zh-Hans" : "en";
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (e) {
      e.textContent = t(e.getAttribute("data-i18n"));
    });
    document.querySelectorAll("[data-i18n-title]").forEach(function (e) {
      e.title = t(e.getAttribute("data-i18n-title"));
      e.setAttribute("aria-label", e.title);
    });
    var title = zh() ? DATA.titleZh : DATA.title;
    document.getElementById("qe-title").textContent = title;
    document.title = title;
    search.placeholder = t("search");
    search.setAttribute("aria-label", t("search"));
    document.querySelectorAll(".qe-lang button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === lang));
    });
    nodes.update(DATA.nodes.map(function (n) {
      return { id: n.id, label: nodeLabel(n), title: tooltip(n) };
    }));
    edges.update(DATA.edges.map(function (e) { return { id: e.id, label: edgeLabel(e) }; }));
    renderFilters();
    updateStatus();
    if (!results.hidden) { showResults(); }
    if (currentNode && !panel.hidden) { renderPanel(currentNode); }
  }

  function setColorBy(mode) {
    colorBy = mode;
    document.getElementById("qe-color").value = mode;
    nodes.update(DATA.nodes.map(function (n) {
      var v = visNode(n);
      return { id: n.id, color: v.color };
    }));
    renderFilters();
  }

  document.querySelectorAll(".qe-lang button").forEach(function (b) {
    b.addEventListener("click", function () { setLanguage(b.getAttribute("data-lang")); });
  });
  document.getElementById("qe-color").addEventListener("change", function (ev) {
    setColorBy(ev.target.value);
  });

  setLanguage(lang);
  setColorBy(colorBy);
  network.once("afterDrawing", function () { document.body.setAttribute("data-ready", "true"); });
  if (DATA.focus !== null && DATA.focus !== undefined) {
    currentNode = byId[DATA.focus];
    network.selectNodes([DATA.focus]);
    renderPanel(currentNode);
  }

  /* A small handle for scripts and tests: the network, its data sets and the actions above. */
  /* #IRI in the address (links from the query page) selects that node */
  var wanted = decodeURIComponent(location.hash.slice(1));
  DATA.nodes.forEach(function (n) { if (wanted && n.iri === wanted) { selectNode(n.id); } });

  window.qegraphViewer = {
    network: network, nodes: nodes, edges: edges, data: DATA,
    select: selectNode, setLanguage: setLanguage, setColorBy: setColorBy, find: find
  };
})();
