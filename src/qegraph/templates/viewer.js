/* qegraph viewer. Every text that comes from the graph is set with textContent, never as HTML. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("qe-data").textContent);
  var GLYPHS = {
    dot: "\u25CF", diamond: "\u25C6", star: "\u2605", triangle: "\u25B2",
    triangleDown: "\u25BC", square: "\u25A0", hexagon: "\u2B22"
  };
  var SIDE_FILL = { quality: "#e8f5e9", exam: "#ffebee", neutral: "#eef1f3" };

  /* A big map has no hover tooltips (the panel says more) and straight edges: both cost
     seconds there. */
  var big = DATA.nodes.length > 400;
  var colorBy = DATA.colorBy;
  var layoutMode = DATA.layout === "free" ? "free" : "contrast";
  var container = document.getElementById("qe-network");
  var shownNodes = {}, shownEdges = {};
  var current = null;            /* {kind: "node"|"edge", id} */
  /* The strings, indexes, panel and filter builders both pages share: viewer-common.js. */
  var kit = window.qegraphViewerKit(DATA, {
    ui: {
      en: {
        mapHelp: "Concept map. Arrow keys move between related concepts, Enter opens the " +
          "selected one, Escape closes the details. The same contrasts are listed in a table " +
          "below the map."
      },
      "zh-Hans": {
        mapHelp: "概念图。方向键在相关概念之间移动，回车打开所选概念，Esc 关闭详情。" +
          "地图下方的表格列出同样的对比。"
      }
    },
    /* Function declarations are hoisted: the page's actions exist already. */
    container: container, current: function () { return current; }, select: select,
    hidePanel: hidePanel, applyFilters: applyFilters
  });
  var hidden = kit.hidden;
  var byId = kit.byId, edgeById = kit.edgeById;
  var typeLabels = kit.typeLabels;
  var t = kit.t, zh = kit.zh, nodeLabel = kit.nodeLabel, pick = kit.pick, el = kit.el;
  var definition = kit.definition;
  var edgeFiltersActive = kit.edgeFiltersActive;

  function nodeColor(n) { return kit.nodeColor(n, colorBy); }
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

  /* ---- what is shown (viewer-common.js) ------------------------------------------------ */

  function computeShown() {
    var shown = kit.computeShown();
    shownNodes = shown.nodes; shownEdges = shown.edges;
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

  /* ---- side panel (viewer-common.js builds the shared part) --------------------------- */

  var panel = document.getElementById("qe-panel");

  function renderNodePanel(n) { kit.conceptPanel(n, edgeLabel); openPanel(); }
  function renderEdgePanel(e) { kit.claimPanel(e); openPanel(); }

  function openPanel() {
    kit.openPanel();
    renderTable();
  }
  function hidePanel() {
    kit.closePanel();
    current = null;
    network.unselectAll();
    renderTable();
  }

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
    if (record) { kit.recordFragment(fragmentOf(sel)); }
  }

  network.on("click", function (params) {
    if (params.nodes.length) {
      select({ kind: "node", id: params.nodes[0] }, true, { noMove: true });
    } else if (params.edges.length) {
      select({ kind: "edge", id: params.edges[0] }, true);
    } else {
      hidePanel();
    }
  });

  /* ---- keyboard on the map (viewer-common.js) ----------------------------------------- */

  kit.keyboard({
    position: function (id) { return network.getPosition(id); },
    centre: function () { return network.getViewPosition(); },
    shown: function () { return { nodes: shownNodes, edges: shownEdges }; },
    open: renderNodePanel
  });

  /* ---- search (viewer-search.js) ------------------------------------------------------- */

  var searchBox = kit.searchBox();
  var search = searchBox.input, find = searchBox.find, fold = searchBox.fold;


  function renderFilters() {
    kit.renderSharedFilters(shownNodes, shownEdges, { dimSides: colorBy !== "side", predsByCount: true });
    var types = kit.filterBox("qe-filter-type");
    var byType = kit.tally(DATA.nodes, function (n) { return n.type; }, shownNodes);
    DATA.legend.types.forEach(function (ty) {
      var glyph = el("span", "qe-glyph", GLYPHS[ty.shape] || "\u25CF");
      glyph.style.color = colorBy === "type" ? DATA.colors.type[ty.key] : "#546e7a";
      glyph.setAttribute("aria-hidden", "true");
      types.appendChild(kit.filterRow(glyph, pick(ty), kit.countText(byType, ty.key),
        !hidden.type[ty.key], kit.toggler("type", ty.key)));
    });
    kit.renderDocumentsAndCommunities(shownNodes, colorBy);
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


  /* ---- the list beside the picture, export (viewer-common.js) ------------------------- */

  function renderTable() { kit.renderTable(shownEdges); }
  function viewSvg() {
    return kit.viewSvg(shownNodes, shownEdges, function (ids) { return network.getPositions(ids); });
  }
  function png() { return container.querySelector("canvas").toDataURL("image/png"); }
  kit.wireExports(viewSvg, png);

  /* ---- language, colour, layout, menu -------------------------------------------------- */

  function updateStatus() {
    document.getElementById("qe-status").textContent = kit.countsText(shownNodes, shownEdges) +
      (DATA.cut ? " \u00B7 " + pick(DATA.cut) : "") + " \u00B7 " + t("hint");
  }

  function setLanguage(next, opening) {
    kit.applyLanguage(next, search);
    kit.showLayout(layoutMode);
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
    kit.showLayout(layoutMode);
    initialView();
  }

  kit.wire({ setLanguage: setLanguage, setColorBy: setColorBy });
  document.getElementById("qe-layout").addEventListener("click", function () {
    setLayout(layoutMode === "contrast" ? "free" : "contrast");
  });
  setLanguage(kit.lang(), true);
  document.getElementById("qe-color").value = colorBy;
  initialView();
  network.once("afterDrawing", function () { document.body.setAttribute("data-ready", "true"); });
  if (location.hash) {
    kit.fromFragment();
  } else if (DATA.focus !== null && DATA.focus !== undefined) {
    select({ kind: "node", id: DATA.focus }, false, { noMove: true });
  }

  /* A small handle for scripts and tests: the network, its data sets and the actions above. */
  window.qegraphViewer = {
    network: network, nodes: nodes, edges: edges, data: DATA, hidden: function () { return hidden; },
    select: function (id) { select({ kind: "node", id: id }, true); },
    selectEdge: function (id) { select({ kind: "edge", id: id }, true); },
    setLanguage: setLanguage, setColorBy: setColorBy, setLayout: setLayout, find: find,
    onlyOpposes: kit.onlyOpposes, reset: kit.showAll, svg: viewSvg, png: png, fold: fold
  };
})();
