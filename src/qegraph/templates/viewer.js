/* qegraph viewer. Every text that comes from the graph is set with textContent, never as HTML. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("qe-data").textContent);
  var UI = {
    en: {
      search: "Search a concept (English, 中文 or pinyin)", colorBy: "Colour by",
      bySide: "paradigm side", byType: "type", byCommunity: "community", sides: "Paradigm side",
      types: "Types", relations: "Relations", communities: "Communities", axes: "Contrast axis",
      evidence: "Evidence", documents: "Source document", filters: "Filters", menu: "Filters",
      definition: "Definition", alsoCalled: "Also called",
      outgoing: "Relations from here", incoming: "Relations to here",
      passages: "Source passages", noPassage: "No source passage recorded.",
      noRelation: "No relation drawn.", noMatch: "No concept matches.", paragraph: "paragraph",
      line: "line", close: "Close", concepts: "concepts", edges: "relations",
      hint: "Click a concept or a relation for its details; arrow keys walk between neighbours.",
      side: { quality: "quality education", exam: "exam-oriented", neutral: "neither side" },
      evidenceKinds: { stated: "stated in the text", inferred: "curator inference",
        none: "not recorded" },
      community: "community", members: "members", freeLayout: "Free layout",
      contrastLayout: "Contrast layout", onlyOpposes: "Only contrasts", reset: "Show all",
      exportSvg: "Export SVG", exportPng: "Export PNG", claim: "Claim", axis: "Axis",
      relation: "Relation", from: "From", to: "To", iri: "IRI", copy: "Copy", copied: "Copied",
      cite: "Cite", docs: "Open in the documentation", version: "graph version",
      contrastTable: "Contrasts by axis", quality: "Quality education",
      exam: "Exam-oriented education", skipToList: "Skip to the list of contrasts",
      mapHelp: "Concept map. Arrow keys move between related concepts, Enter opens the " +
        "selected one, Escape closes the details. The same contrasts are listed in a table " +
        "below the map.",
      selectedRelations: "Relations of the selected concept", noAxis: "no axis"
    },
    "zh-Hans": {
      search: "搜索概念（中文、English 或拼音）", colorBy: "着色依据",
      bySide: "范式归属", byType: "类型", byCommunity: "社群", sides: "范式归属",
      types: "类型", relations: "关系", communities: "社群", axes: "对比维度",
      evidence: "证据", documents: "来源文档", filters: "筛选", menu: "筛选",
      definition: "定义", alsoCalled: "又称",
      outgoing: "由此出发的关系", incoming: "指向此处的关系",
      passages: "来源段落", noPassage: "没有记录来源段落。",
      noRelation: "图中没有关系。", noMatch: "没有匹配的概念。", paragraph: "段",
      line: "行", close: "关闭", concepts: "个概念", edges: "条关系",
      hint: "点击概念或关系查看详情；方向键在相邻概念间移动。",
      side: { quality: "素质教育", exam: "应试教育", neutral: "中性" },
      evidenceKinds: { stated: "文本明述", inferred: "编者推断", none: "未记录" },
      community: "社群", members: "个成员", freeLayout: "自由布局",
      contrastLayout: "对比布局", onlyOpposes: "只看对比", reset: "全部显示",
      exportSvg: "导出 SVG", exportPng: "导出 PNG", claim: "断言", axis: "对比维度",
      relation: "关系", from: "从", to: "到", iri: "IRI", copy: "复制", copied: "已复制",
      cite: "引用", docs: "在文档中打开", version: "图版本",
      contrastTable: "按维度列出的对比", quality: "素质教育",
      exam: "应试教育", skipToList: "跳到对比列表",
      mapHelp: "概念图。方向键在相关概念之间移动，回车打开所选概念，Esc 关闭详情。" +
        "地图下方的表格列出同样的对比。",
      selectedRelations: "所选概念的关系", noAxis: "无维度"
    }
  };
  var GLYPHS = {
    dot: "\u25CF", diamond: "\u25C6", star: "\u2605", triangle: "\u25B2",
    triangleDown: "\u25BC", square: "\u25A0", hexagon: "\u2B22"
  };
  var SIDE_FILL = { quality: "#e8f5e9", exam: "#ffebee", neutral: "#eef1f3" };

  var lang = DATA.lang === "zh-Hans" ? "zh-Hans" : "en";
  /* A big map has no hover tooltips (the panel says more) and straight edges: both cost
     seconds there. */
  var big = DATA.nodes.length > 400;
  var colorBy = DATA.colorBy;
  var layoutMode = DATA.layout === "free" ? "free" : "contrast";
  var byId = {}, byKey = {}, edgeById = {}, edgeByKey = {};
  var hidden = { side: {}, type: {}, pred: {}, axis: {}, evidence: {}, doc: {} };
  var current = null;            /* {kind: "node"|"edge", id} */
  var typeLabels = {};
  var predLabels = {};
  var adjacency = {};
  DATA.legend.types.forEach(function (t) { typeLabels[t.key] = t; });
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
  function docTitle(p) { return zh() && p.titleZh ? p.titleZh : p.title; }

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
    var d = definition(n);
    if (d) { box.appendChild(el("div", null, d.length > 220 ? d.slice(0, 217) + "\u2026" : d)); }
    return box;
  }

  /* ---- what is shown ------------------------------------------------------------------- */

  function edgeFiltersActive() {
    return ["pred", "axis", "evidence"].some(function (k) { return Object.keys(hidden[k]).length; });
  }
  function edgeShownByItself(e) {
    if (hidden.pred[e.pred]) { return false; }
    if (e.opposes && hidden.axis[e.axis || ""]) { return false; }
    if (hidden.evidence[e.evidence || "none"]) { return false; }
    if (Object.keys(hidden.doc).length && e.docs.length &&
        e.docs.every(function (d) { return hidden.doc[d]; })) { return false; }
    return true;
  }
  function nodeShownByItself(n) {
    if (hidden.side[n.side] || hidden.type[n.type]) { return false; }
    if (Object.keys(hidden.doc).length &&
        (!n.docs.length || n.docs.every(function (d) { return hidden.doc[d]; }))) { return false; }
    return true;
  }
  var shownNodes = {}, shownEdges = {};
  function computeShown() {
    shownNodes = {}; shownEdges = {};
    DATA.nodes.forEach(function (n) { if (nodeShownByItself(n)) { shownNodes[n.id] = true; } });
    var touched = {};
    DATA.edges.forEach(function (e) {
      if (shownNodes[e.from] && shownNodes[e.to] && edgeShownByItself(e)) {
        shownEdges[e.id] = true; touched[e.from] = true; touched[e.to] = true;
      }
    });
    /* With a relation, axis or evidence filter on, a concept none of whose relations is
       shown has nothing to say about them: hide it too (the selected one stays). */
    if (edgeFiltersActive()) {
      Object.keys(shownNodes).forEach(function (id) {
        if (!touched[id] && !(current && current.kind === "node" && String(current.id) === id)) {
          delete shownNodes[id];
        }
      });
    }
  }

  /* ---- vis-network --------------------------------------------------------------------- */

  /* A phone gets the narrow contrast layout (narrower label boxes, a tighter band). */
  var narrow = false;
  function shape() { return narrow ? DATA.narrow : DATA; }
  function visNode(n) {
    var c = nodeColor(n);
    var contrast = layoutMode === "contrast";
    return {
      id: n.id, label: nodeLabel(n),
      shape: contrast ? "box" : n.shape, size: contrast ? 14 : n.size,
      x: contrast ? (narrow ? n.px : n.x) : n.fx, y: contrast ? (narrow ? n.py : n.y) : n.fy,
      borderWidth: n.focus ? 4 : contrast ? 2 : 1.5, borderWidthSelected: 4,
      margin: contrast ? { top: 7, bottom: 7, left: 10, right: 10 } : undefined,
      widthConstraint: contrast ? { maximum: shape().labelWidth } : false,
      color: contrast && colorBy === "side"
        ? { background: SIDE_FILL[n.side], border: c,
          highlight: { background: "#fff8c4", border: "#111111" },
          hover: { background: SIDE_FILL[n.side], border: "#111111" } }
        : { background: c, border: darker(c),
          highlight: { background: c, border: "#111111" }, hover: { background: c, border: "#111111" } },
      font: { size: contrast ? DATA.font : 18, color: "#1d2327", strokeWidth: contrast ? 0 : 3,
        strokeColor: "#ffffff",
        face: "system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Noto Sans', sans-serif" },
      title: big ? undefined : tooltip(n),
      hidden: !shownNodes[n.id]
    };
  }

  function edgeLabel(e) {
    var text = zh() ? e.zh : e.en;
    if (e.opposes && e.axisEn) {
      text += " \u00B7 " + (zh() ? e.axisZh : e.axisEn);
    }
    return text;
  }

  var pairCount = {};
  function visEdge(e) {
    var a = Math.min(e.from, e.to), b = Math.max(e.from, e.to);
    var k = pairCount[a + "," + b] = (pairCount[a + "," + b] || 0) + 1;
    /* Straight lines on a big map and in the contrast layout: curves cost most of a frame. */
    var straight = big || layoutMode === "contrast";
    var smooth = straight && k === 1 ? false : k === 1 ? { enabled: true, type: "continuous", roundness: 0.2 }
      : { enabled: true, type: k % 2 ? "curvedCW" : "curvedCCW", roundness: 0.18 * Math.ceil(k / 2) };
    var contrast = layoutMode === "contrast";
    var quiet = contrast && !e.opposes;
    return {
      id: e.id, from: e.from, to: e.to, label: contrast ? undefined : edgeLabel(e), smooth: smooth,
      arrows: e.opposes ? { to: false } : { to: { enabled: true, scaleFactor: 0.55 } },
      dashes: e.opposes ? [9, 6] : false,
      width: e.opposes ? 3 : quiet ? 0.8 : 1.2,
      color: e.opposes ? { color: "#d32f2f", highlight: "#9a0007", hover: "#9a0007" }
        : { color: quiet ? "#dfe4e8" : "#a7b1b9", highlight: "#37474f", hover: "#37474f" },
      font: { size: e.opposes ? 12 : 10, color: e.opposes ? "#b71c1c" : "#5f6b73", strokeWidth: 3,
        strokeColor: "#ffffff", align: "middle" },
      hidden: !shownEdges[e.id]
    };
  }

  computeShown();
  var container = document.getElementById("qe-network");
  narrow = container.clientWidth < 600;
  var nodes = new vis.DataSet(DATA.nodes.map(visNode));
  var edges = new vis.DataSet(DATA.edges.map(visEdge));
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    autoResize: true,
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 42 },
    interaction: { hover: !big, tooltipDelay: 150, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
      multiselect: false, keyboard: false, selectConnectedEdges: true },
    edges: { selectionWidth: 1.5 }
  });

  /* Group headings (axes, types, sides) are drawn under the nodes in the contrast layout. */
  network.on("beforeDrawing", function (ctx) {
    if (layoutMode !== "contrast") { return; }
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    var showing = {};
    DATA.nodes.forEach(function (n) { if (shownNodes[n.id]) { showing[n.side + " " + n.type] = true; } });
    DATA.edges.forEach(function (e) { if (shownEdges[e.id] && e.axisEn) { showing["axis " + e.axisEn] = true; } });
    /* Both side headings in one size, each kept on its own side of the middle. */
    var sideSize = narrow ? 17 : 26;
    shape().groups.forEach(function (g) {
      if (g.kind !== "side" || !g.x) { return; }
      ctx.font = "700 " + sideSize + "px system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";
      var room = 1.8 * Math.abs(g.x) - 8, wide = ctx.measureText(pick(g)).width;
      if (room > 0 && wide > room) { sideSize = Math.max(9, Math.floor(sideSize * room / wide)); }
    });
    shape().groups.forEach(function (g) {
      /* A heading whose group is filtered out goes with it. */
      if (g.kind === "type" && !showing[g.side + " " + g.type]) { return; }
      if (g.kind === "axis" && g.axis && !showing["axis " + g.axis] && edgeFiltersActive()) { return; }
      var size = g.kind === "side" ? (narrow ? 17 : 26) : g.kind === "axis" ? 16 : 14;
      var weight = g.kind === "type" ? "600 " : "700 ";
      var face = "px system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";
      ctx.font = weight + size + face;
      ctx.fillStyle = g.kind === "side" ? "#37474f" : g.kind === "axis" ? "#b71c1c" : "#5f6b73";
      var text = pick(g);
      if (g.kind !== "side" && !zh()) { text = text.toUpperCase(); }
      if (g.kind === "side") { ctx.font = weight + sideSize + face; }
      ctx.fillText(text, g.x, g.y);
    });
    ctx.restore();
  });

  /* ---- the view: a readable start, re-fit after a filter ------------------------------- */

  var MIN_READABLE = 12 / DATA.font;   /* scale at which a label is 12 px on screen */
  function initialView() {
    var shown = Object.keys(shownNodes).map(Number);
    if (!shown.length) { return; }
    network.fit({ nodes: shown, animation: false });
    if (layoutMode !== "contrast" || network.getScale() >= MIN_READABLE) { return; }
    /* Everything does not fit readably: show the contrast band, from its top, readable. */
    var band = shape().band;
    var width = container.clientWidth, height = container.clientHeight;
    var xs = shown.map(function (id) { return nodes.get(id).x; });
    var span = Math.max.apply(null, xs) - Math.min.apply(null, xs) + shape().labelWidth;
    var fitBand = (width - 16) / (band[2] - band[0]);
    /* Wide: as much of both sides as fits at a readable size. Phone: the band, edge to edge. */
    var scale = narrow ? Math.min(1.0, fitBand)
      : Math.min(1.0, Math.max(Math.min(MIN_READABLE, fitBand), (width - 16) / span));
    network.moveTo({ position: { x: (band[0] + band[2]) / 2,
      y: band[1] - 110 + height / 2 / scale }, scale: scale, animation: false });
  }
  function refit() {
    var shown = Object.keys(shownNodes).map(Number);
    if (shown.length) {
      network.fit({ nodes: shown, animation: { duration: 250, easingFunction: "easeInOutQuad" } });
    }
  }

  /* ---- side panel ---------------------------------------------------------------------- */

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
      var title = docTitle(p);
      if (title) { li.appendChild(el("span", "qe-doc", title)); }
      if (p.phrase) { li.appendChild(el("q", null, p.phrase)); }
      list.appendChild(li);
    });
    return list;
  }

  function relationItems(n, outgoing) {
    var list = el("ul");
    adjacency[n.id].forEach(function (e) {
      if ((outgoing ? e.from : e.to) !== n.id) { return; }
      var other = byId[outgoing ? e.to : e.from];
      var li = el("li");
      var rel = el("a", "qe-pred" + (e.opposes ? " qe-opposes" : ""), edgeLabel(e));
      rel.href = e.claim ? "#" + e.claim : "#";
      rel.addEventListener("click", function (ev) {
        if (!e.claim) { ev.preventDefault(); select({ kind: "edge", id: e.id }, true); }
      });
      li.appendChild(rel);
      li.appendChild(document.createTextNode(outgoing ? " \u2192 " : " \u2190 "));
      li.appendChild(linkTo(other));
      list.appendChild(li);
    });
    return list.childNodes.length ? list : null;
  }

  function iriBlock(iri, curieText) {
    var wrap = el("div", "qe-iri");
    var code = el("code", null, iri);
    code.title = curieText;
    wrap.appendChild(code);
    var copy = el("button", "qe-tool qe-copy", t("copy"));
    copy.type = "button";
    copy.addEventListener("click", function () {
      var done = function () { copy.textContent = t("copied"); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(iri).then(done, function () { selectText(code); });
      } else { selectText(code); }
    });
    wrap.appendChild(copy);
    return wrap;
  }
  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function citation(name, iri, passages) {
    var parts = [name, DATA.title + (DATA.version ? " (" + t("version") + " " + DATA.version + ")" : ""),
      iri];
    if (passages.length) {
      parts.push(passages.map(function (p) {
        return p.file + (p.para !== null ? " \u00B6" + p.para : "");
      }).join("; "));
    }
    var p = el("p", "qe-cite");
    p.appendChild(el("strong", null, t("cite") + ": "));
    p.appendChild(document.createTextNode(parts.join(". ") + "."));
    return p;
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
    panelBody.appendChild(iriBlock(n.iri, n.curie));
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
      var dp = el("p", "qe-definition", d);
      dp.lang = zh() && n.defZh ? "zh-Hans" : "en";
      panelBody.appendChild(dp);
    }
    var out = relationItems(n, true), inc = relationItems(n, false);
    if (out) { panelBody.appendChild(el("h3", null, t("outgoing"))); panelBody.appendChild(out); }
    if (inc) { panelBody.appendChild(el("h3", null, t("incoming"))); panelBody.appendChild(inc); }
    if (!out && !inc) { panelBody.appendChild(el("p", "qe-none", t("noRelation"))); }
    panelBody.appendChild(el("h3", null, t("passages")));
    if (!n.passages.length) {
      panelBody.appendChild(el("p", "qe-none", t("noPassage")));
    } else {
      panelBody.appendChild(passageList(n.passages));
    }
    panelBody.appendChild(citation(nodeLabel(n), n.iri, n.passages));
    openPanel();
  }

  function renderEdgePanel(e) {
    clear(panelBody);
    var a = byId[e.from], b = byId[e.to];
    panelBody.appendChild(panelTitle(nodeLabel(a) + " \u2014 " + (zh() ? e.zh : e.en) + " \u2192 " +
      nodeLabel(b)));
    panelBody.appendChild(el("p", "qe-second", t("claim")));
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
    if (e.claim) { panelBody.appendChild(iriBlock(e.claimIri || e.claim, e.claim)); }
    panelBody.appendChild(el("h3", null, t("passages")));
    if (!e.passages.length) {
      panelBody.appendChild(el("p", "qe-none", t("noPassage")));
    } else {
      panelBody.appendChild(passageList(e.passages));
    }
    panelBody.appendChild(citation(nodeLabel(a) + " " + (zh() ? e.zh : e.en) + " " + nodeLabel(b),
      e.claimIri || e.claim || "", e.passages));
    openPanel();
  }

  function openPanel() {
    panel.hidden = false;
    document.body.classList.add("qe-has-panel");
    renderTable();
  }
  function hidePanel() {
    panel.hidden = true;
    document.body.classList.remove("qe-has-panel");
    current = null;
    network.unselectAll();
    renderTable();
  }
  document.getElementById("qe-close").addEventListener("click", function () {
    if (location.hash) { history.pushState(null, "", location.pathname + location.search); }
    hidePanel();
    container.focus();
  });

  /* ---- selection and history ----------------------------------------------------------- */

  function fragmentOf(sel) {
    if (sel.kind === "node") { return byId[sel.id].curie; }
    var e = edgeById[sel.id];
    return e && e.claim ? e.claim : null;
  }

  function select(sel, record, options) {
    options = options || {};
    if (sel.kind === "node") {
      var n = byId[sel.id];
      if (!n) { return; }
      current = sel;
      if (!shownNodes[n.id]) {
        delete hidden.side[n.side]; delete hidden.type[n.type];
        applyFilters(false);
      }
      network.selectNodes([n.id]);
      if (!options.noMove) {
        network.focus(n.id, { scale: Math.max(network.getScale(), MIN_READABLE),
          animation: { duration: 300, easingFunction: "easeInOutQuad" } });
      }
      renderNodePanel(n);
    } else {
      var e = edgeById[sel.id];
      if (!e) { return; }
      current = sel;
      network.setSelection({ nodes: [], edges: [e.id] }, { unselectAll: true, highlightEdges: false });
      renderEdgePanel(e);
    }
    var fragment = fragmentOf(sel);
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

  network.on("click", function (params) {
    if (params.nodes.length) {
      select({ kind: "node", id: params.nodes[0] }, true, { noMove: true });
    } else if (params.edges.length) {
      select({ kind: "edge", id: params.edges[0] }, true);
    } else {
      hidePanel();
    }
  });

  /* ---- keyboard on the map ------------------------------------------------------------- */

  var ARROWS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
  container.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { if (!panel.hidden) { hidePanel(); } return; }
    var dir = ARROWS[ev.key];
    if (!dir && ev.key !== "Enter") { return; }
    ev.preventDefault();
    var shown = DATA.nodes.filter(function (n) { return shownNodes[n.id]; });
    if (!shown.length) { return; }
    if (!current || current.kind !== "node") {
      var centre = network.getViewPosition();
      var first = shown.reduce(function (best, n) {
        var p = network.getPosition(n.id);
        var d = Math.hypot(p.x - centre.x, p.y - centre.y);
        return !best || d < best[0] ? [d, n] : best;
      }, null)[1];
      select({ kind: "node", id: first.id }, true);
      return;
    }
    if (ev.key === "Enter") { renderNodePanel(byId[current.id]); return; }
    var here = network.getPosition(current.id);
    var best = null;
    adjacency[current.id].forEach(function (e) {
      if (!shownEdges[e.id]) { return; }
      var other = e.from === current.id ? e.to : e.from;
      var p = network.getPosition(other);
      var dx = p.x - here.x, dy = p.y - here.y, len = Math.hypot(dx, dy) || 1;
      var cos = (dx * dir[0] + dy * dir[1]) / len;
      if (cos > 0.2 && (!best || cos - len / 1e5 > best[0])) { best = [cos - len / 1e5, other]; }
    });
    if (best) { select({ kind: "node", id: best[1] }, true); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && !panel.hidden && ev.target !== search) {
      hidePanel();
      container.focus();
    }
  });

  /* ---- search (viewer-search.js) ------------------------------------------------------- */

  var searchBox = window.qegraphSearch(DATA.nodes, {
    label: nodeLabel, other: otherLabel, noMatch: function () { return t("noMatch"); },
    choose: function (n) { select({ kind: "node", id: n.id }, true); }
  });
  var search = searchBox.input, find = searchBox.find, fold = searchBox.fold;


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
      [].concat(keyOf(item)).forEach(function (k) {
        all[k] = (all[k] || 0) + 1;
        if (shown[item.id]) { now[k] = (now[k] || 0) + 1; }
      });
    });
    return { all: all, now: now };
  }
  function countText(c, k) {
    var all = c.all[k] || 0, now = c.now[k] || 0;
    return now === all ? String(all) : now + " / " + all;
  }

  function renderFilters() {
    var sides = document.getElementById("qe-filter-side");
    clear(sides);
    var bySide = tally(DATA.nodes, function (n) { return n.side; }, shownNodes);
    DATA.legend.sides.forEach(function (s) {
      if (!bySide.all[s.key]) { return; }
      var sw = el("span", "qe-swatch");
      sw.style.background = DATA.colors.side[s.key];
      if (colorBy !== "side") { sw.style.opacity = "0.35"; }
      sides.appendChild(filterRow(sw, t("side")[s.key], countText(bySide, s.key),
        !hidden.side[s.key], toggler("side", s.key)));
    });
    var types = document.getElementById("qe-filter-type");
    clear(types);
    var byType = tally(DATA.nodes, function (n) { return n.type; }, shownNodes);
    DATA.legend.types.forEach(function (ty) {
      var glyph = el("span", "qe-glyph", GLYPHS[ty.shape] || "\u25CF");
      glyph.style.color = colorBy === "type" ? DATA.colors.type[ty.key] : "#546e7a";
      glyph.setAttribute("aria-hidden", "true");
      types.appendChild(filterRow(glyph, pick(ty), countText(byType, ty.key), !hidden.type[ty.key],
        toggler("type", ty.key)));
    });
    var preds = document.getElementById("qe-filter-pred");
    clear(preds);
    var byPred = tally(DATA.edges, function (e) { return e.pred; }, shownEdges);
    Object.keys(predLabels).sort(function (a, b) {
      return (byPred.all[b] - byPred.all[a]) || (a < b ? -1 : 1);
    }).forEach(function (key) {
      var sample = el("span", "qe-edge-sample" + (key === "qe:opposes" ? " qe-opposes" : ""));
      sample.setAttribute("aria-hidden", "true");
      preds.appendChild(filterRow(sample, pick(predLabels[key]), countText(byPred, key),
        !hidden.pred[key], toggler("pred", key)));
    });
    var axes = document.getElementById("qe-filter-axis");
    clear(axes);
    var opposes = DATA.edges.filter(function (e) { return e.opposes; });
    var byAxis = tally(opposes, function (e) { return e.axis || ""; }, shownEdges);
    document.getElementById("qe-axis-section").hidden = !opposes.length;
    DATA.axes.concat(byAxis.all[""] ? [{ key: "", en: UI.en.noAxis, zh: UI["zh-Hans"].noAxis }] : [])
      .forEach(function (a) {
        axes.appendChild(filterRow(null, pick(a), countText(byAxis, a.key), !hidden.axis[a.key],
          toggler("axis", a.key)));
      });
    var evidence = document.getElementById("qe-filter-evidence");
    clear(evidence);
    var byEvidence = tally(DATA.edges, function (e) { return e.evidence || "none"; }, shownEdges);
    ["stated", "inferred", "none"].forEach(function (k) {
      if (!byEvidence.all[k]) { return; }
      evidence.appendChild(filterRow(null, t("evidenceKinds")[k], countText(byEvidence, k),
        !hidden.evidence[k], toggler("evidence", k)));
    });
    var docs = document.getElementById("qe-filter-doc");
    clear(docs);
    var byDoc = tally(DATA.nodes, function (n) { return n.docs; }, shownNodes);
    document.getElementById("qe-doc-section").hidden = !DATA.documents.length;
    DATA.documents.forEach(function (d) {
      if (!byDoc.all[d.key]) { return; }
      var row = filterRow(null, pick(d), countText(byDoc, d.key), !hidden.doc[d.key],
        toggler("doc", d.key));
      row.title = d.file;
      docs.appendChild(row);
    });
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

  function applyFilters(fit) {
    var wereNodes = shownNodes, wereEdges = shownEdges;
    computeShown();
    /* Only what changed goes to vis-network: an update of every item redraws every label. */
    nodes.update(DATA.nodes.filter(function (n) {
      return !wereNodes[n.id] !== !shownNodes[n.id];
    }).map(function (n) { return { id: n.id, hidden: !shownNodes[n.id] }; }));
    edges.update(DATA.edges.filter(function (e) {
      return !wereEdges[e.id] !== !shownEdges[e.id];
    }).map(function (e) { return { id: e.id, hidden: !shownEdges[e.id] }; }));
    renderFilters();
    renderTable();
    updateStatus();
    if (fit) { refit(); }
  }

  function onlyOpposes() {
    hidden.pred = {};
    Object.keys(predLabels).forEach(function (k) { if (k !== "qe:opposes") { hidden.pred[k] = true; } });
    applyFilters(true);
  }
  function resetFilters() {
    hidden = { side: {}, type: {}, pred: {}, axis: {}, evidence: {}, doc: {} };
    applyFilters(true);
  }
  document.getElementById("qe-only-opposes").addEventListener("click", onlyOpposes);
  document.getElementById("qe-reset").addEventListener("click", resetFilters);

  /* ---- the list beside the picture ----------------------------------------------------- */

  function renderTable() {
    var body = document.getElementById("qe-table-body");
    clear(body);
    var groups = {};
    DATA.edges.forEach(function (e) {
      if (!e.opposes || !shownEdges[e.id]) { return; }
      (groups[e.axis || ""] = groups[e.axis || ""] || []).push(e);
    });
    var order = DATA.axes.map(function (a) { return a; });
    order.push({ key: "", en: UI.en.noAxis, zh: UI["zh-Hans"].noAxis });
    var table = el("table", "qe-contrasts");
    var head = el("thead");
    var hr = el("tr");
    [t("axis"), t("quality"), t("exam"), t("passages")].forEach(function (h) {
      var th = el("th", null, h); th.scope = "col"; hr.appendChild(th);
    });
    head.appendChild(hr);
    table.appendChild(head);
    var tbody = el("tbody");
    order.forEach(function (a) {
      (groups[a.key] || []).forEach(function (e, i) {
        var tr = el("tr");
        var th = el("th", null, i === 0 ? pick(a) : "");
        th.scope = "row";
        tr.appendChild(th);
        var left = byId[e.from], right = byId[e.to];
        if (left.side === "exam" || right.side === "quality") { var s = left; left = right; right = s; }
        var l = el("td"); l.appendChild(linkTo(left)); tr.appendChild(l);
        var r = el("td"); r.appendChild(linkTo(right)); tr.appendChild(r);
        var p = el("td");
        var claim = el("a", null, e.passages.map(function (q) {
          return q.file.split("_")[0] + " \u00B6" + q.para;
        }).join(", ") || t("claim"));
        claim.href = e.claim ? "#" + e.claim : "#";
        p.appendChild(claim);
        tr.appendChild(p);
        tbody.appendChild(tr);
      });
    });
    table.appendChild(tbody);
    body.appendChild(table);
    if (current && current.kind === "node") {
      var n = byId[current.id];
      body.appendChild(el("h3", null, t("selectedRelations") + ": " + nodeLabel(n)));
      var rel = el("table", "qe-relations");
      var rh = el("tr");
      [t("from"), t("relation"), t("to")].forEach(function (h) {
        var th = el("th", null, h); th.scope = "col"; rh.appendChild(th);
      });
      var rhead = el("thead"); rhead.appendChild(rh); rel.appendChild(rhead);
      var rbody = el("tbody");
      adjacency[n.id].forEach(function (e) {
        var tr = el("tr");
        var a = el("td"); a.appendChild(linkTo(byId[e.from])); tr.appendChild(a);
        tr.appendChild(el("td", null, zh() ? e.zh : e.en));
        var b = el("td"); b.appendChild(linkTo(byId[e.to])); tr.appendChild(b);
        rbody.appendChild(tr);
      });
      rel.appendChild(rbody);
      body.appendChild(rel);
    }
  }

  /* ---- export -------------------------------------------------------------------------- */

  function download(name, href) {
    var a = document.createElement("a");
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  function exportPng() {
    var canvas = container.querySelector("canvas");
    download("qegraph-view.png", canvas.toDataURL("image/png"));
  }
  /* The SVG holds what is shown now: visible nodes as labelled boxes, visible edges as lines. */
  function viewSvg() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    var ids = Object.keys(shownNodes).map(Number);
    var pos = network.getPositions(ids);
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    ids.forEach(function (id) {
      var p = pos[id];
      minX = Math.min(minX, p.x); minY = Math.min(minY, p.y);
      maxX = Math.max(maxX, p.x); maxY = Math.max(maxY, p.y);
    });
    var pad = 160;
    svg.setAttribute("xmlns", ns);
    svg.setAttribute("viewBox", [minX - pad, minY - pad, maxX - minX + 2 * pad, maxY - minY + 2 * pad].join(" "));
    svg.setAttribute("font-family", "system-ui, sans-serif");
    DATA.edges.forEach(function (e) {
      if (!shownEdges[e.id]) { return; }
      var a = pos[e.from], b = pos[e.to];
      var line = document.createElementNS(ns, "line");
      line.setAttribute("x1", a.x); line.setAttribute("y1", a.y);
      line.setAttribute("x2", b.x); line.setAttribute("y2", b.y);
      line.setAttribute("stroke", e.opposes ? "#d32f2f" : "#b0bac2");
      line.setAttribute("stroke-width", e.opposes ? 3 : 1);
      if (e.opposes) { line.setAttribute("stroke-dasharray", "9 6"); }
      svg.appendChild(line);
    });
    ids.forEach(function (id) {
      var n = byId[id], p = pos[id];
      var text = document.createElementNS(ns, "text");
      text.setAttribute("x", p.x); text.setAttribute("y", p.y);
      text.setAttribute("text-anchor", "middle");
      text.setAttribute("dominant-baseline", "middle");
      text.setAttribute("font-size", DATA.font);
      text.setAttribute("fill", DATA.colors.side[n.side] || "#333");
      text.textContent = nodeLabel(n);
      svg.appendChild(text);
    });
    return new XMLSerializer().serializeToString(svg);
  }
  document.getElementById("qe-export-png").addEventListener("click", exportPng);
  document.getElementById("qe-export-svg").addEventListener("click", function () {
    download("qegraph-view.svg", "data:image/svg+xml;charset=utf-8," + encodeURIComponent(viewSvg()));
  });

  /* ---- language, colour, layout, menu -------------------------------------------------- */

  function updateStatus() {
    var shown = Object.keys(shownNodes).length;
    var shownE = Object.keys(shownEdges).length;
    var status = document.getElementById("qe-status");
    var total = DATA.nodes.length === shown ? String(shown) : shown + " / " + DATA.nodes.length;
    var totalE = DATA.edges.length === shownE ? String(shownE) : shownE + " / " + DATA.edges.length;
    status.textContent = total + " " + t("concepts") + " \u00B7 " + totalE + " " +
      t("edges") + (DATA.cut ? " \u00B7 " + pick(DATA.cut) : "") + " \u00B7 " + t("hint");
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
    document.getElementById("qe-layout").textContent =
      layoutMode === "contrast" ? t("freeLayout") : t("contrastLayout");
    document.querySelectorAll(".qe-lang button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === lang));
    });
    if (!opening) {  /* the data sets were built in this language */
      nodes.update(DATA.nodes.map(function (n) {
        return { id: n.id, label: nodeLabel(n), title: big ? undefined : tooltip(n) };
      }));
      edges.update(DATA.edges.map(function (e) {
        return { id: e.id, label: layoutMode === "contrast" ? undefined : edgeLabel(e) };
      }));
    }
    renderFilters();
    renderTable();
    updateStatus();
    searchBox.refresh();
    if (current && !panel.hidden) { rerenderPanel(); }
  }
  function rerenderPanel() {
    if (current.kind === "node") { renderNodePanel(byId[current.id]); } else {
      renderEdgePanel(edgeById[current.id]);
    }
  }

  function setColorBy(mode) {
    colorBy = mode;
    document.getElementById("qe-color").value = mode;
    nodes.update(DATA.nodes.map(function (n) { return { id: n.id, color: visNode(n).color }; }));
    renderFilters();
  }

  function setLayout(mode) {
    layoutMode = mode === "free" ? "free" : "contrast";
    pairCount = {};
    nodes.update(DATA.nodes.map(visNode));
    edges.update(DATA.edges.map(visEdge));
    var button = document.getElementById("qe-layout");
    button.setAttribute("aria-pressed", String(layoutMode === "free"));
    button.textContent = layoutMode === "contrast" ? t("freeLayout") : t("contrastLayout");
    initialView();
  }

  document.querySelectorAll(".qe-lang button").forEach(function (b) {
    b.addEventListener("click", function () { setLanguage(b.getAttribute("data-lang")); });
  });
  document.getElementById("qe-color").addEventListener("change", function (ev) {
    setColorBy(ev.target.value);
  });
  document.getElementById("qe-layout").addEventListener("click", function () {
    setLayout(layoutMode === "contrast" ? "free" : "contrast");
  });
  var menu = document.getElementById("qe-menu");
  menu.addEventListener("click", function () {
    var open = !document.body.classList.contains("qe-menu-open");
    document.body.classList.toggle("qe-menu-open", open);
    menu.setAttribute("aria-expanded", String(open));
  });

  setLanguage(lang, true);
  document.getElementById("qe-color").value = colorBy;
  initialView();
  network.once("afterDrawing", function () { document.body.setAttribute("data-ready", "true"); });
  if (location.hash) {
    fromFragment();
  } else if (DATA.focus !== null && DATA.focus !== undefined) {
    select({ kind: "node", id: DATA.focus }, false, { noMove: true });
  }

  /* A small handle for scripts and tests: the network, its data sets and the actions above. */
  window.qegraphViewer = {
    network: network, nodes: nodes, edges: edges, data: DATA, hidden: function () { return hidden; },
    select: function (id) { select({ kind: "node", id: id }, true); },
    selectEdge: function (id) { select({ kind: "edge", id: id }, true); },
    setLanguage: setLanguage, setColorBy: setColorBy, setLayout: setLayout, find: find,
    onlyOpposes: onlyOpposes, reset: resetFilters, svg: viewSvg, fold: fold
  };
})();
