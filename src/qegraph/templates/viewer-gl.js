/* qegraph viewer for large maps, drawn with WebGL by sigma.js (graphology holds the graph).
   Same data as the vis-network page; labels are drawn on a canvas, and every text that reaches
   the DOM (panel, filters, search) is set with textContent, never as HTML. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("qe-data").textContent);
  var OPPOSES_COLOR = "#c62828", EDGE_COLOR = "#c5ccd3", SELECTED = "#111111";
  var container = document.getElementById("qe-network");
  var colorBy = DATA.colorBy;
  /* Both position sets come with the data (computed in Python, so the page is the same bytes
     for the same graph): the contrast layout (x, y) and the free igraph layout (fx, fy). */
  var layoutMode = DATA.layout === "free" ? "free" : "contrast";
  var shownNodes = {}, shownEdges = {};
  var current = null;            /* {kind: "node"|"edge", id} */
  var kit = window.qegraphViewerKit(DATA, {
    ui: {
      en: {
        noWebgl: "This browser gives the page no WebGL, which it needs to " +
          "draw a map this large. Turn on hardware acceleration (or use a browser with WebGL); " +
          "the search and the details still work.",
        mapHelp: "Concept map drawn with WebGL. Arrow keys move between related concepts, Enter " +
          "opens the selected one, Escape closes the details. The same contrasts are listed in a " +
          "table below the map."
      },
      "zh-Hans": {
        noWebgl: "此浏览器没有为页面提供 WebGL，而绘制这么大的图需要它。请开启硬件加速（或换用支持 " +
          "WebGL 的浏览器）；搜索和详情仍然可用。",
        mapHelp: "用 WebGL 绘制的概念图。方向键在相关概念之间移动，回车打开所选概念，Esc 关闭详情。" +
          "地图下方的表格列出同样的对比。"
      }
    },
    /* Function declarations are hoisted: the page's actions exist already. */
    container: container, current: function () { return current; }, select: select,
    hidePanel: hidePanel, applyFilters: applyFilters
  });
  var hidden = kit.hidden;
  var byId = kit.byId, edgeById = kit.edgeById;
  var t = kit.t, zh = kit.zh, nodeLabel = kit.nodeLabel, pick = kit.pick, el = kit.el;
  function nodeColor(n) { return kit.nodeColor(n, colorBy); }
  function computeShown() {
    var shown = kit.computeShown();
    shownNodes = shown.nodes; shownEdges = shown.edges;
  }

  /* ---- sigma ---------------------------------------------------------------------------- */

  var graph = new window.graphology.Graph({ multi: true, type: "directed", allowSelfLoops: true });
  var top = 0;
  DATA.nodes.forEach(function (n) { if (n.score > top) { top = n.score; } });
  /* A node's place in page coordinates (y grows downwards) in the current layout. */
  function place(n) {
    return layoutMode === "free" ? { x: n.fx, y: n.fy } : { x: n.x, y: n.y };
  }
  DATA.nodes.forEach(function (n) {
    /* Page y grows downwards; sigma's grows upwards. */
    var p = place(n);
    graph.addNode(String(n.id), {
      x: p.x, y: -p.y, size: 3 + 7 * Math.sqrt(Math.max(n.score, 0) / (top || 1)),
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

  /* ---- labels that never overlap ----------------------------------------------------------
     sigma's label grid keeps one label per cell but does not look at how long a label is, so
     long labels of a big map ran into each other. placeLabels replaces sigma's renderLabels
     (same contract: draw on the labels canvas, fill displayedNodeLabels): it walks the nodes
     most important first, keeps those on screen whose node is big enough (sigma's rule), and
     skips a label whose box meets one already drawn in this frame. Forced labels (the
     selection and its neighbours) always draw and are placed first. */
  var LABEL_SIZE = 13, LABEL_MIN_NODE = 5;
  var LABEL_FONT = "system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Noto Sans', sans-serif";
  /* Node keys, most important first: both paradigms, the opposes pairs, dimensions and
     characteristics, then by score (the node's size). */
  var labelOrder = (function () {
    var inPair = {};
    DATA.edges.forEach(function (e) { if (e.opposes) { inPair[e.from] = true; inPair[e.to] = true; } });
    function tier(n) {
      var types = [n.type].concat(n.types || []);
      if (types.indexOf("qe:Paradigm") >= 0) { return 0; }
      if (inPair[n.id]) { return 1; }
      if (types.indexOf("qe:Dimension") >= 0 || types.indexOf("qe:Characteristic") >= 0) { return 2; }
      return 3;
    }
    var tiers = {};
    DATA.nodes.forEach(function (n) { tiers[n.id] = tier(n); });
    return DATA.nodes.slice().sort(function (a, b) {
      return tiers[a.id] - tiers[b.id] || b.score - a.score || a.id - b.id;
    }).map(function (n) { return String(n.id); });
  })();
  var labelWidths = {};           /* text -> width in px at LABEL_SIZE (the font never changes) */
  var LABEL_CELL = 64;
  /* The box of a label sigma's way draws it, fillText at (x + size + 3, y + LABEL_SIZE / 3):
     it holds Latin and CJK ascenders and descenders, with a pixel to spare on each side. */
  function labelBox(x, y, size, width) {
    return { x0: x + size + 2, y0: y - 0.72 * LABEL_SIZE, x1: x + size + 4 + width,
      y1: y + 0.62 * LABEL_SIZE };
  }
  function placeLabels() {
    /* `this` is the sigma renderer (the method replaces its renderLabels). */
    var r = this, cache = r.nodeDataCache, width = r.width, height = r.height;
    var ctx = r.getCanvases().labels.getContext("2d");
    ctx.font = "normal " + LABEL_SIZE + "px " + LABEL_FONT;
    ctx.fillStyle = "#000";
    var scale = r.scaleSize(1);   /* drawn node size = size x scale (linear in size) */
    var shown = new Set(), boxes = [], cells = {};
    function fits(b) {
      for (var cy = Math.floor(b.y0 / LABEL_CELL); cy <= Math.floor(b.y1 / LABEL_CELL); cy++) {
        for (var cx = Math.floor(b.x0 / LABEL_CELL); cx <= Math.floor(b.x1 / LABEL_CELL); cx++) {
          var inCell = cells[cy * 4096 + cx];
          if (!inCell) { continue; }
          for (var j = 0; j < inCell.length; j++) {
            var o = inCell[j];
            if (b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1) { return false; }
          }
        }
      }
      return true;
    }
    function keep(b) {
      for (var cy = Math.floor(b.y0 / LABEL_CELL); cy <= Math.floor(b.y1 / LABEL_CELL); cy++) {
        for (var cx = Math.floor(b.x0 / LABEL_CELL); cx <= Math.floor(b.x1 / LABEL_CELL); cx++) {
          var k = cy * 4096 + cx;
          (cells[k] || (cells[k] = [])).push(b);
        }
      }
    }
    function place(key, forced) {
      var d = cache[key];
      if (!d || d.hidden || !d.label || shown.has(key) || (!forced && d.forceLabel)) { return; }
      var size = d.size * scale;
      if (!forced && size < LABEL_MIN_NODE) { return; }
      var p = r.framedGraphToViewport(d);
      /* Off screen (sigma's margins: a label may start left of the view). */
      if (p.x < -150 || p.x > width + 150 || p.y < -50 || p.y > height + 50) { return; }
      var w = labelWidths[d.label];
      if (w === undefined) { w = labelWidths[d.label] = ctx.measureText(d.label).width; }
      var b = labelBox(p.x, p.y, size, w);
      if (!forced && !fits(b)) { return; }
      keep(b);
      ctx.fillText(d.label, p.x + size + 3, p.y + LABEL_SIZE / 3);
      shown.add(key);
      b.id = Number(key); b.label = d.label;
      boxes.push(b);
    }
    if (r.getSetting("renderLabels")) {
      r.nodesWithForcedLabels.forEach(function (key) { place(key, true); });
      for (var i = 0; i < labelOrder.length; i++) { place(labelOrder[i], false); }
    }
    r.displayedNodeLabels = shown;
    /* For tests (cheap): the boxes drawn in the last frame, in viewport px. */
    window.__qegraphLabelBoxes = boxes;
    return r;
  }
  /* Sigma draws every node twice a frame: on screen, and into a hidden picking buffer that
     says which node is under the mouse. Without a GPU (SwiftShader) the second pass costs about
     as much as the first; while the map moves nothing is picked (sigma's own test of moving,
     the one that hides edges), so those frames skip it. The frame drawn when the move ends
     (sigma draws one to bring the edges back) fills the buffer again. */
  function skipPickingWhileMoving(r) {
    var mouse = r.getMouseCaptor();
    function moving() {
      return r.getCamera().isAnimated() || mouse.isMoving || mouse.draggedEvents > 0 ||
        !!mouse.currentWheelDirection;
    }
    Object.keys(r.nodePrograms).forEach(function (type) {
      var outer = r.nodePrograms[type];
      (outer.programs || [outer]).forEach(function (program) {
        var render = program.render, pick = program.pickProgram;
        program.render = function (params) {
          program.pickProgram = moving() ? null : pick;
          render.call(program, params);
          program.pickProgram = pick;
        };
      });
    });
  }
  /* The node whose neighbours show their labels too. */
  function selectedKey() { return current && current.kind === "node" ? String(current.id) : null; }

  var renderer = null;
  try {
    renderer = new window.Sigma(graph, container, {
      enableEdgeEvents: true, zIndex: true, defaultEdgeType: "line",
      /* As the vis-network page does on big maps: edges wait while the map moves. */
      hideEdgesOnMove: DATA.edges.length > 1000,
      /* Labels wait too while the map moves (a frame without them costs a fraction). */
      hideLabelsOnMove: DATA.nodes.length > 1000,
      labelFont: LABEL_FONT, labelSize: LABEL_SIZE, labelRenderedSizeThreshold: LABEL_MIN_NODE,
      nodeReducer: function (key, attrs) {
        var n = byId[key];
        var out = { x: attrs.x, y: attrs.y, size: attrs.size, label: nodeLabel(n),
          color: nodeColor(n) };
        if (!shownNodes[key]) { out.hidden = true; }
        var sel = selectedKey();
        if (sel === key) {
          out.highlighted = true; out.forceLabel = true; out.zIndex = 2;
          out.size = attrs.size + 3;
        } else if (sel !== null && !out.hidden && graph.areNeighbors(sel, key)) {
          out.forceLabel = true;
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
    renderer.renderLabels = placeLabels;
    skipPickingWhileMoving(renderer);
    /* A frame drawn without labels (the map moving) leaves no boxes. */
    renderer.on("beforeRender", function () { window.__qegraphLabelBoxes = []; });
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

  /* ---- the panel (viewer-common.js builds it) ------------------------------------------- */

  var panel = document.getElementById("qe-panel");

  function edgeName(e) { return zh() ? e.zh : e.en; }
  function renderNodePanel(n) { kit.conceptPanel(n, edgeName); openPanel(); }
  function renderEdgePanel(e) { kit.claimPanel(e); openPanel(); }
  function openPanel() {
    kit.openPanel();
    renderTable();
  }
  function hidePanel() {
    kit.closePanel();
    current = null;
    redraw();
    renderTable();
  }

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
    if (record) { kit.recordFragment(fragment); }
  }
  if (renderer) {
    renderer.on("clickNode", function (ev) {
      select({ kind: "node", id: Number(ev.node) }, true, { noMove: true });
    });
    renderer.on("clickEdge", function (ev) { select({ kind: "edge", id: Number(ev.edge) }, true); });
    renderer.on("clickStage", function () { if (!panel.hidden) { hidePanel(); } });
  }

  /* ---- keyboard, the table, export (viewer-common.js) ------------------------------------ */

  kit.keyboard({
    position: function (id) { return place(byId[id]); },
    centre: function () {
      if (!renderer) { return { x: 0, y: 0 }; }
      var p = renderer.viewportToGraph({ x: container.clientWidth / 2, y: container.clientHeight / 2 });
      return { x: p.x, y: -p.y };
    },
    shown: function () { return { nodes: shownNodes, edges: shownEdges }; },
    open: renderNodePanel
  });

  function renderTable() { kit.renderTable(shownEdges); }
  function viewSvg() {
    return kit.viewSvg(shownNodes, shownEdges, function (ids) {
      var pos = {};
      ids.forEach(function (id) { pos[id] = place(byId[id]); });
      return pos;
    });
  }
  /* The current view as drawn: sigma's layers (WebGL and 2D canvases) on white, read in the
     same task as a fresh render (a WebGL canvas keeps its pixels only until it is shown). */
  function png() {
    var out = document.createElement("canvas");
    if (renderer) {
      renderer.refresh();
      var layers = container.querySelectorAll("canvas");
      out.width = layers[0].width; out.height = layers[0].height;
      var ctx = out.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, out.width, out.height);
      layers.forEach(function (c) { ctx.drawImage(c, 0, 0, out.width, out.height); });
    }
    return out.toDataURL("image/png");
  }
  kit.wireExports(viewSvg, png);
  /* Without WebGL nothing is drawn to export as an image; the SVG still is. */
  document.getElementById("qe-export-png").disabled = !renderer;

  /* ---- search (viewer-search.js) ------------------------------------------------------- */

  var searchBox = kit.searchBox();
  var search = searchBox.input, find = searchBox.find, fold = searchBox.fold;

  /* ---- filters (the shared ones in viewer-common.js) -------------------------------------- */

  function renderFilters() {
    kit.renderSharedFilters(shownNodes, shownEdges, { dimSides: false, predsByCount: false });
    var types = kit.filterBox("qe-filter-type");
    var byType = kit.tally(DATA.nodes, function (n) { return n.type; }, shownNodes);
    DATA.legend.types.forEach(function (ty) {
      if (!byType.all[ty.key]) { return; }
      var sw = el("span", "qe-swatch");
      sw.style.background = colorBy === "type" ? DATA.colors.type[ty.key] : "#b0bec5";
      types.appendChild(kit.filterRow(sw, pick(ty), kit.countText(byType, ty.key),
        !hidden.type[ty.key], kit.toggler("type", ty.key)));
    });
    kit.renderDocumentsAndCommunities(shownNodes, colorBy);
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
    renderTable();
    updateStatus();
    if (fit) { refit(); }
  }

  /* ---- language, colour, status ---------------------------------------------------------- */

  function shownCount() { return Object.keys(shownNodes).length; }
  function updateStatus() {
    document.getElementById("qe-status").textContent = kit.countsText(shownNodes, shownEdges) +
      " \u00B7 " + t("hint");
    var cut = document.getElementById("qe-cut");
    cut.hidden = !DATA.cut;
    if (DATA.cut) { cut.textContent = pick(DATA.cut); }
  }
  function setLanguage(next, opening) {
    kit.applyLanguage(next, search);
    kit.showLayout(layoutMode);
    if (!opening) { redraw(); }  /* the node reducer picks the label in the new language */
    renderFilters();
    renderTable();
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
  /* Free or contrast: the nodes move to the other position set, the view frames them. */
  function setLayout(mode) {
    layoutMode = mode === "free" ? "free" : "contrast";
    graph.updateEachNodeAttributes(function (key, attrs) {
      var p = place(byId[key]);
      attrs.x = p.x; attrs.y = -p.y;
      return attrs;
    }, { attributes: ["x", "y"] });
    kit.showLayout(layoutMode);
    if (renderer) {
      renderer.refresh();
      renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
      if (current && current.kind === "node") { moveTo(byId[current.id]); } else if (
        shownCount() < DATA.nodes.length) { refit(); }
    }
  }

  kit.wire({ setLanguage: setLanguage, setColorBy: setColorBy });
  document.getElementById("qe-layout").addEventListener("click", function () {
    setLayout(layoutMode === "contrast" ? "free" : "contrast");
  });

  setLanguage(kit.lang(), true);
  document.getElementById("qe-color").value = colorBy;
  if (location.hash) {
    kit.fromFragment();
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
    setLanguage: setLanguage, setColorBy: setColorBy, setLayout: setLayout,
    layout: function () { return layoutMode; }, selected: function () { return current; },
    find: find, fold: fold,
    onlyOpposes: kit.onlyOpposes, reset: kit.showAll, shownCount: shownCount,
    svg: viewSvg, png: png
  };
})();
