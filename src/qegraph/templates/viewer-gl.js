/* qegraph viewer for large maps, drawn with WebGL by sigma.js (graphology holds the graph).
   Same data as the vis-network page; labels are drawn on a canvas, and every text that reaches
   the DOM (panel, filters, search) is set with textContent, never as HTML. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("qe-data").textContent);
  var UI = {
    en: {
      search: "Search a concept (English, 中文 or pinyin)", colorBy: "Colour by",
      bySide: "paradigm side", byType: "type", byCommunity: "community", sides: "Paradigm side",
      types: "Types", relations: "Relations", axes: "Contrast axis", evidence: "Evidence",
      filters: "Filters", menu: "Filters", definition: "Definition", alsoCalled: "Also called",
      outgoing: "Relations from here", incoming: "Relations to here",
      passages: "Source passages", noPassage: "No source passage recorded.",
      noRelation: "No relation drawn.", noMatch: "No concept matches.", paragraph: "paragraph",
      line: "line", close: "Close", concepts: "concepts", edges: "relations",
      hint: "Click a concept or a relation for its details.",
      side: { quality: "quality education", exam: "exam-oriented", neutral: "neither side" },
      evidenceKinds: { stated: "stated in the text", inferred: "curator inference",
        none: "not recorded" },
      onlyOpposes: "Only contrasts", reset: "Show all", claim: "Claim", axis: "Axis",
      relation: "Relation", from: "From", to: "To", docs: "Open in the documentation",
      noAxis: "no axis", noWebgl: "This browser gives the page no WebGL, which it needs to " +
        "draw a map this large. Turn on hardware acceleration (or use a browser with WebGL); " +
        "the search and the details still work.",
      mapHelp: "Concept map drawn with WebGL. Search a concept to open its details; Escape " +
        "closes them."
    },
    "zh-Hans": {
      search: "搜索概念（中文、English 或拼音）", colorBy: "着色依据",
      bySide: "范式归属", byType: "类型", byCommunity: "社群", sides: "范式归属",
      types: "类型", relations: "关系", axes: "对比维度", evidence: "证据",
      filters: "筛选", menu: "筛选", definition: "定义", alsoCalled: "又称",
      outgoing: "由此出发的关系", incoming: "指向此处的关系",
      passages: "来源段落", noPassage: "没有记录来源段落。",
      noRelation: "图中没有关系。", noMatch: "没有匹配的概念。", paragraph: "段",
      line: "行", close: "关闭", concepts: "个概念", edges: "条关系",
      hint: "点击概念或关系查看详情。",
      side: { quality: "素质教育", exam: "应试教育", neutral: "中性" },
      evidenceKinds: { stated: "文本明述", inferred: "编者推断", none: "未记录" },
      onlyOpposes: "只看对比", reset: "全部显示", claim: "断言", axis: "对比维度",
      relation: "关系", from: "从", to: "到", docs: "在文档中打开", noAxis: "无维度",
      noWebgl: "此浏览器没有为页面提供 WebGL，而绘制这么大的图需要它。请开启硬件加速（或换用支持 " +
        "WebGL 的浏览器）；搜索和详情仍然可用。",
      mapHelp: "用 WebGL 绘制的概念图。搜索概念以打开详情，Esc 关闭详情。"
    }
  };
  var OPPOSES_COLOR = "#c62828", EDGE_COLOR = "#c5ccd3", SELECTED = "#111111";

  var lang = DATA.lang === "zh-Hans" ? "zh-Hans" : "en";
  var colorBy = DATA.colorBy;
  var byId = {}, byKey = {}, edgeById = {}, edgeByKey = {}, adjacency = {};
  var typeLabels = {}, predLabels = {};
  var hidden = { side: {}, type: {}, pred: {}, axis: {}, evidence: {} };
  var shownNodes = {}, shownEdges = {};
  var current = null;            /* {kind: "node"|"edge", id} */
  DATA.legend.types.forEach(function (ty) { typeLabels[ty.key] = ty; });
  DATA.nodes.forEach(function (n) {
    byId[n.id] = n; byKey[n.curie] = n; byKey[n.iri] = n; adjacency[n.id] = [];
  });
  DATA.edges.forEach(function (e) {
    edgeById[e.id] = e;
    if (e.claim) { edgeByKey[e.claim] = e; }
    if (!predLabels[e.pred]) { predLabels[e.pred] = { key: e.pred, en: e.en, zh: e.zh }; }
    adjacency[e.from].push(e);
    if (e.to !== e.from) { adjacency[e.to].push(e); }
  });

  function t(key) { return UI[lang][key]; }
  function zh() { return lang === "zh-Hans"; }
  function nodeLabel(n) { return zh() ? n.zh : n.en; }
  function otherLabel(n) { return zh() ? n.en : n.zh; }
  function pick(item) { return zh() ? item.zh : item.en; }
  function definition(n) { return zh() && n.defZh ? n.defZh : n.def || n.defZh; }
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
      return DATA.colors.community[n.community % DATA.colors.community.length];
    }
    return DATA.colors.side[n.side] || "#607d8b";
  }

  /* ---- what is shown (the same rules as the vis-network page) --------------------------- */

  function edgeFiltersActive() {
    return ["pred", "axis", "evidence"].some(function (k) { return Object.keys(hidden[k]).length; });
  }
  function computeShown() {
    shownNodes = {}; shownEdges = {};
    DATA.nodes.forEach(function (n) {
      if (!hidden.side[n.side] && !hidden.type[n.type]) { shownNodes[n.id] = true; }
    });
    var touched = {};
    DATA.edges.forEach(function (e) {
      if (!shownNodes[e.from] || !shownNodes[e.to] || hidden.pred[e.pred] ||
          (e.opposes && hidden.axis[e.axis || ""]) || hidden.evidence[e.evidence || "none"]) {
        return;
      }
      shownEdges[e.id] = true; touched[e.from] = true; touched[e.to] = true;
    });
    if (edgeFiltersActive()) {
      Object.keys(shownNodes).forEach(function (id) {
        if (!touched[id] && !(current && current.kind === "node" && String(current.id) === id)) {
          delete shownNodes[id];
        }
      });
    }
  }

  /* ---- sigma ---------------------------------------------------------------------------- */

  var container = document.getElementById("qe-network");
  var graph = new window.graphology.Graph({ multi: true, type: "directed", allowSelfLoops: true });
  var top = 0;
  DATA.nodes.forEach(function (n) { if (n.score > top) { top = n.score; } });
  DATA.nodes.forEach(function (n) {
    /* The contrast layout's y grows downwards (page pixels); sigma's grows upwards. */
    graph.addNode(String(n.id), {
      x: n.x, y: -n.y, size: 3 + 7 * Math.sqrt(Math.max(n.score, 0) / (top || 1)),
      label: nodeLabel(n), color: nodeColor(n)
    });
  });
  DATA.edges.forEach(function (e) {
    graph.addDirectedEdgeWithKey(String(e.id), String(e.from), String(e.to), {
      size: e.opposes ? 2 : 0.6, color: e.opposes ? OPPOSES_COLOR : EDGE_COLOR,
      zIndex: e.opposes ? 1 : 0
    });
  });
  computeShown();

  var renderer = null;
  try {
    renderer = new window.Sigma(graph, container, {
      enableEdgeEvents: true, zIndex: true, defaultEdgeType: "line",
      /* As the vis-network page does on big maps: edges wait while the map moves. */
      hideEdgesOnMove: DATA.edges.length > 1000,
      labelFont: "system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Noto Sans', sans-serif",
      labelSize: 13, labelDensity: 0.5, labelGridCellSize: 90, labelRenderedSizeThreshold: 5,
      nodeReducer: function (key, attrs) {
        var n = byId[key];
        var out = { x: attrs.x, y: attrs.y, size: attrs.size, label: nodeLabel(n),
          color: nodeColor(n) };
        if (!shownNodes[key]) { out.hidden = true; }
        if (current && current.kind === "node" && String(current.id) === key) {
          out.highlighted = true; out.forceLabel = true; out.zIndex = 2;
          out.size = attrs.size + 3;
        }
        return out;
      },
      edgeReducer: function (key, attrs) {
        var out = { size: attrs.size, color: attrs.color, zIndex: attrs.zIndex };
        if (!shownEdges[key]) { out.hidden = true; }
        if (current && current.kind === "edge" && String(current.id) === key) {
          out.color = SELECTED; out.size = attrs.size + 2;
        }
        return out;
      }
    });
  } catch (err) {
    /* No WebGL context (hardware acceleration off, or a very old browser): say so and keep
       the rest of the page. */
    var note = el("p", "qe-none qe-no-webgl", t("noWebgl"));
    note.setAttribute("role", "alert");
    container.appendChild(note);
  }
  function redraw() { if (renderer) { renderer.refresh(); } }

  function moveTo(n) {
    if (!renderer) { return; }
    var d = renderer.getNodeDisplayData(String(n.id));
    if (!d) { return; }
    var camera = renderer.getCamera();
    camera.animate({ x: d.x, y: d.y, ratio: Math.min(camera.getState().ratio, 0.15) },
      { duration: 300 });
  }

  /* ---- the panel ------------------------------------------------------------------------ */

  var panel = document.getElementById("qe-panel");
  var panelBody = document.getElementById("qe-panel-body");

  function linkTo(n) {
    var a = el("a", "qe-link", nodeLabel(n));
    a.href = "#" + n.curie;
    return a;
  }
  function passageList(passages) {
    var list = el("ul", "qe-passages");
    passages.forEach(function (p) {
      var li = el("li", "qe-passage");
      li.appendChild(el("span", "qe-file", p.file));
      var where = [];
      if (p.para !== null) { where.push(zh() ? "第 " + p.para + " " + t("paragraph") : "\u00B6 " + p.para); }
      if (p.line !== null) { where.push(zh() ? "第 " + p.line + " " + t("line") : t("line") + " " + p.line); }
      li.appendChild(document.createTextNode(" " + where.join(", ")));
      var title = zh() && p.titleZh ? p.titleZh : p.title;
      if (title) { li.appendChild(el("span", "qe-doc", title)); }
      if (p.phrase) { li.appendChild(el("q", null, p.phrase)); }
      list.appendChild(li);
    });
    return list;
  }
  function passagesBlock(passages) {
    panelBody.appendChild(el("h3", null, t("passages")));
    panelBody.appendChild(passages.length ? passageList(passages) : el("p", "qe-none", t("noPassage")));
  }
  function relationItems(n, outgoing) {
    var list = el("ul");
    adjacency[n.id].forEach(function (e) {
      if ((outgoing ? e.from : e.to) !== n.id) { return; }
      var li = el("li");
      var rel = el("a", "qe-pred" + (e.opposes ? " qe-opposes" : ""), zh() ? e.zh : e.en);
      rel.href = e.claim ? "#" + e.claim : "#";
      rel.addEventListener("click", function (ev) {
        if (!e.claim) { ev.preventDefault(); select({ kind: "edge", id: e.id }, true); }
      });
      li.appendChild(rel);
      li.appendChild(document.createTextNode(outgoing ? " \u2192 " : " \u2190 "));
      li.appendChild(linkTo(byId[outgoing ? e.to : e.from]));
      list.appendChild(li);
    });
    return list.childNodes.length ? list : null;
  }
  function panelTitle(text) {
    var h = el("h2", null, text);
    h.id = "qe-panel-title";
    h.tabIndex = -1;
    return h;
  }
  function renderNodePanel(n) {
    clear(panelBody);
    panelBody.appendChild(panelTitle(nodeLabel(n)));
    panelBody.appendChild(el("p", "qe-second", otherLabel(n)));
    var badges = el("div", "qe-badges");
    var type = typeLabels[n.type];
    badges.appendChild(el("span", "qe-badge", type ? pick(type) : n.type));
    badges.appendChild(el("span", "qe-badge qe-" + n.side, t("side")[n.side]));
    panelBody.appendChild(badges);
    panelBody.appendChild(el("code", null, n.iri));
    if (DATA.docsHref && n.docsAnchor) {
      var docs = el("a", "qe-docs-link", t("docs"));
      docs.href = DATA.docsHref + "#" + n.docsAnchor;
      panelBody.appendChild(docs);
    }
    if (n.alt.length) {
      panelBody.appendChild(el("h3", null, t("alsoCalled")));
      panelBody.appendChild(el("p", null, n.alt.join(" \u00B7 ")));
    }
    var d = definition(n);
    if (d) {
      panelBody.appendChild(el("h3", null, t("definition")));
      panelBody.appendChild(el("p", "qe-definition", d));
    }
    var out = relationItems(n, true), inc = relationItems(n, false);
    if (out) { panelBody.appendChild(el("h3", null, t("outgoing"))); panelBody.appendChild(out); }
    if (inc) { panelBody.appendChild(el("h3", null, t("incoming"))); panelBody.appendChild(inc); }
    if (!out && !inc) { panelBody.appendChild(el("p", "qe-none", t("noRelation"))); }
    passagesBlock(n.passages);
    openPanel();
  }
  function renderEdgePanel(e) {
    clear(panelBody);
    var a = byId[e.from], b = byId[e.to];
    panelBody.appendChild(panelTitle(nodeLabel(a) + " \u2014 " + (zh() ? e.zh : e.en) + " \u2192 " +
      nodeLabel(b)));
    panelBody.appendChild(el("p", "qe-second", t("claim") + (e.claim ? " " + e.claim : "")));
    var dl = el("dl", "qe-claim");
    function row(name, value) {
      dl.appendChild(el("dt", null, name));
      var dd = el("dd");
      if (typeof value === "string") { dd.textContent = value; } else { dd.appendChild(value); }
      dl.appendChild(dd);
    }
    row(t("relation"), e.en + " / " + e.zh + " (" + e.pred + ")");
    row(t("from"), linkTo(a));
    row(t("to"), linkTo(b));
    if (e.opposes) { row(t("axis"), e.axisEn ? e.axisEn + " / " + e.axisZh : t("noAxis")); }
    row(t("evidence"), t("evidenceKinds")[e.evidence || "none"]);
    panelBody.appendChild(dl);
    passagesBlock(e.passages);
    openPanel();
  }
  function openPanel() {
    panel.hidden = false;
    document.body.classList.add("qe-has-panel");
  }
  function hidePanel() {
    panel.hidden = true;
    document.body.classList.remove("qe-has-panel");
    current = null;
    redraw();
  }
  document.getElementById("qe-close").addEventListener("click", function () {
    if (location.hash) { history.pushState(null, "", location.pathname + location.search); }
    hidePanel();
    container.focus();
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && !panel.hidden && ev.target !== search) { hidePanel(); }
  });

  /* ---- selection and deep links ---------------------------------------------------------- */

  function select(sel, record, options) {
    options = options || {};
    var fragment = null;
    if (sel.kind === "node") {
      var n = byId[sel.id];
      if (!n) { return; }
      current = sel;
      if (!shownNodes[n.id]) {
        delete hidden.side[n.side]; delete hidden.type[n.type];
        applyFilters();
      }
      redraw();
      if (!options.noMove) { moveTo(n); }
      renderNodePanel(n);
      fragment = n.curie;
    } else {
      var e = edgeById[sel.id];
      if (!e) { return; }
      current = sel;
      redraw();
      renderEdgePanel(e);
      fragment = e.claim;
    }
    if (record && fragment && decodeURIComponent(location.hash.slice(1)) !== fragment) {
      history.pushState(null, "", "#" + fragment);
    }
  }
  function fromFragment() {
    var key = decodeURIComponent(location.hash.slice(1));
    if (!key) { if (!panel.hidden) { hidePanel(); } return; }
    if (byKey[key]) { select({ kind: "node", id: byKey[key].id }, false); return; }
    if (edgeByKey[key]) { select({ kind: "edge", id: edgeByKey[key].id }, false); }
  }
  window.addEventListener("hashchange", fromFragment);
  window.addEventListener("popstate", fromFragment);
  if (renderer) {
    renderer.on("clickNode", function (ev) {
      select({ kind: "node", id: Number(ev.node) }, true, { noMove: true });
    });
    renderer.on("clickEdge", function (ev) { select({ kind: "edge", id: Number(ev.edge) }, true); });
    renderer.on("clickStage", function () { if (!panel.hidden) { hidePanel(); } });
  }

  /* ---- search (viewer-search.js) ------------------------------------------------------- */

  var searchBox = window.qegraphSearch(DATA.nodes, {
    label: nodeLabel, other: otherLabel, noMatch: function () { return t("noMatch"); },
    choose: function (n) { select({ kind: "node", id: n.id }, true); }
  });
  var search = searchBox.input, find = searchBox.find, fold = searchBox.fold;

  /* ---- filters ---------------------------------------------------------------------------- */

  function filterRow(marker, text, number, checked, onChange) {
    var row = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = checked;
    box.addEventListener("change", function () { onChange(box.checked); });
    row.appendChild(box);
    if (marker) { row.appendChild(marker); }
    row.appendChild(el("span", "qe-name", text));
    row.appendChild(el("span", "qe-count", number));
    return row;
  }
  function toggler(group, key) {
    return function (on) {
      if (on) { delete hidden[group][key]; } else { hidden[group][key] = true; }
      applyFilters(true);
    };
  }
  function tally(items, keyOf, shown) {
    var all = {}, now = {};
    items.forEach(function (item) {
      var k = keyOf(item);
      all[k] = (all[k] || 0) + 1;
      if (shown[item.id]) { now[k] = (now[k] || 0) + 1; }
    });
    return function (k) {
      var a = all[k] || 0, n = now[k] || 0;
      return a ? (n === a ? String(a) : n + " / " + a) : null;
    };
  }
  function renderFilters() {
    var sides = document.getElementById("qe-filter-side");
    clear(sides);
    var bySide = tally(DATA.nodes, function (n) { return n.side; }, shownNodes);
    DATA.legend.sides.forEach(function (s) {
      if (!bySide(s.key)) { return; }
      var sw = el("span", "qe-swatch");
      sw.style.background = DATA.colors.side[s.key];
      sides.appendChild(filterRow(sw, t("side")[s.key], bySide(s.key), !hidden.side[s.key],
        toggler("side", s.key)));
    });
    var types = document.getElementById("qe-filter-type");
    clear(types);
    var byType = tally(DATA.nodes, function (n) { return n.type; }, shownNodes);
    DATA.legend.types.forEach(function (ty) {
      if (!byType(ty.key)) { return; }
      var sw = el("span", "qe-swatch");
      sw.style.background = colorBy === "type" ? DATA.colors.type[ty.key] : "#b0bec5";
      types.appendChild(filterRow(sw, pick(ty), byType(ty.key), !hidden.type[ty.key],
        toggler("type", ty.key)));
    });
    var preds = document.getElementById("qe-filter-pred");
    clear(preds);
    var byPred = tally(DATA.edges, function (e) { return e.pred; }, shownEdges);
    Object.keys(predLabels).sort().forEach(function (key) {
      var sample = el("span", "qe-edge-sample" + (key === "qe:opposes" ? " qe-opposes" : ""));
      sample.setAttribute("aria-hidden", "true");
      preds.appendChild(filterRow(sample, pick(predLabels[key]), byPred(key), !hidden.pred[key],
        toggler("pred", key)));
    });
    var axes = document.getElementById("qe-filter-axis");
    clear(axes);
    var opposes = DATA.edges.filter(function (e) { return e.opposes; });
    var byAxis = tally(opposes, function (e) { return e.axis || ""; }, shownEdges);
    document.getElementById("qe-axis-section").hidden = !opposes.length;
    DATA.axes.concat(byAxis("") ? [{ key: "", en: UI.en.noAxis, zh: UI["zh-Hans"].noAxis }] : [])
      .forEach(function (a) {
        axes.appendChild(filterRow(null, pick(a), byAxis(a.key) || "0", !hidden.axis[a.key],
          toggler("axis", a.key)));
      });
    var evidence = document.getElementById("qe-filter-evidence");
    clear(evidence);
    var byEvidence = tally(DATA.edges, function (e) { return e.evidence || "none"; }, shownEdges);
    ["stated", "inferred", "none"].forEach(function (k) {
      if (!byEvidence(k)) { return; }
      evidence.appendChild(filterRow(null, t("evidenceKinds")[k], byEvidence(k),
        !hidden.evidence[k], toggler("evidence", k)));
    });
  }
  /* After a filter the view frames what is still shown, as the vis-network page does. */
  function refit() {
    if (!renderer) { return; }
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    Object.keys(shownNodes).forEach(function (id) {
      var d = renderer.getNodeDisplayData(id);
      if (!d) { return; }
      x0 = Math.min(x0, d.x); x1 = Math.max(x1, d.x); y0 = Math.min(y0, d.y); y1 = Math.max(y1, d.y);
    });
    if (x0 > x1) { return; }
    /* Room for the longer side of the box whatever the shape of the map (never clips). */
    var w = container.clientWidth || 1, h = container.clientHeight || 1;
    var room = 1.15 * Math.max(x1 - x0, y1 - y0) * Math.max(w, h) / Math.min(w, h);
    renderer.getCamera().animate({ x: (x0 + x1) / 2, y: (y0 + y1) / 2,
      ratio: Math.min(1, Math.max(0.05, room)) }, { duration: 300 });
  }
  function applyFilters(fit) {
    computeShown();
    redraw();
    renderFilters();
    updateStatus();
    if (fit) { refit(); }
  }
  function onlyOpposes() {
    hidden.pred = {};
    Object.keys(predLabels).forEach(function (k) { if (k !== "qe:opposes") { hidden.pred[k] = true; } });
    applyFilters(true);
  }
  function resetFilters() {
    hidden = { side: {}, type: {}, pred: {}, axis: {}, evidence: {} };
    applyFilters(true);
  }
  document.getElementById("qe-only-opposes").addEventListener("click", onlyOpposes);
  document.getElementById("qe-reset").addEventListener("click", resetFilters);

  /* ---- language, colour, status, menu ---------------------------------------------------- */

  function shownCount() { return Object.keys(shownNodes).length; }
  function updateStatus() {
    var shown = shownCount(), shownE = Object.keys(shownEdges).length;
    var total = DATA.nodes.length === shown ? String(shown) : shown + " / " + DATA.nodes.length;
    var totalE = DATA.edges.length === shownE ? String(shownE) : shownE + " / " + DATA.edges.length;
    document.getElementById("qe-status").textContent = total + " " + t("concepts") + " \u00B7 " +
      totalE + " " + t("edges") + " \u00B7 " + t("hint");
    var cut = document.getElementById("qe-cut");
    cut.hidden = !DATA.cut;
    if (DATA.cut) { cut.textContent = pick(DATA.cut); }
  }
  function setLanguage(next, opening) {
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
    container.setAttribute("aria-label", title);
    document.getElementById("qe-map-help").textContent = t("mapHelp");
    document.querySelectorAll(".qe-lang button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === lang));
    });
    if (!opening) { redraw(); }  /* the node reducer picks the label in the new language */
    renderFilters();
    updateStatus();
    searchBox.refresh();
    if (current && !panel.hidden) {
      if (current.kind === "node") { renderNodePanel(byId[current.id]); } else {
        renderEdgePanel(edgeById[current.id]);
      }
    }
  }
  function setColorBy(mode) {
    colorBy = mode;
    document.getElementById("qe-color").value = mode;
    redraw();
    renderFilters();
  }
  document.querySelectorAll(".qe-lang button").forEach(function (b) {
    b.addEventListener("click", function () { setLanguage(b.getAttribute("data-lang")); });
  });
  document.getElementById("qe-color").addEventListener("change", function (ev) {
    setColorBy(ev.target.value);
  });
  var menu = document.getElementById("qe-menu");
  menu.addEventListener("click", function () {
    var open = !document.body.classList.contains("qe-menu-open");
    document.body.classList.toggle("qe-menu-open", open);
    menu.setAttribute("aria-expanded", String(open));
  });

  setLanguage(lang, true);
  document.getElementById("qe-color").value = colorBy;
  if (location.hash) {
    fromFragment();
  } else if (DATA.focus !== null && DATA.focus !== undefined) {
    select({ kind: "node", id: DATA.focus }, false);
  }
  function ready() { document.body.setAttribute("data-ready", "true"); }
  if (renderer) { renderer.once("afterRender", ready); renderer.refresh(); } else { ready(); }

  /* A small handle for scripts, benchmarks and tests. */
  window.qegraphViewer = {
    renderer: renderer, graph: graph, data: DATA, hidden: function () { return hidden; },
    select: function (id) { select({ kind: "node", id: id }, true); },
    selectEdge: function (id) { select({ kind: "edge", id: id }, true); },
    setLanguage: setLanguage, setColorBy: setColorBy, find: find, fold: fold,
    onlyOpposes: onlyOpposes, reset: resetFilters, shownCount: shownCount
  };
})();
