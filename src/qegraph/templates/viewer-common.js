/* What both viewer pages share (the vis-network page and the WebGL page): the UI strings, the
   indexes over the data, what is shown under the filters, and the builders of the panel, the
   filter rows, the links and the language switch. One copy, so the two pages cannot drift.
   window.qegraphViewerKit(DATA, page) returns the kit; `page` gives the page's own strings
   (page.ui), its map element (container) and its callbacks (current, select, hidePanel,
   applyFilters). The kit keeps the filter state: kit.hidden, changed in place only.
   Every text from the graph is set with textContent, never as HTML. */
window.qegraphViewerKit = function (DATA, page) {
  "use strict";

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
      side: { quality: "quality education", exam: "exam-oriented", neutral: "neither side" },
      evidenceKinds: { stated: "stated in the text", inferred: "curator inference",
        none: "not recorded" },
      onlyOpposes: "Only contrasts", reset: "Show all", claim: "Claim", axis: "Axis",
      relation: "Relation", from: "From", to: "To", docs: "Open in the documentation",
      noAxis: "no axis", communities: "Communities", documents: "Source document",
      freeLayout: "Free layout", contrastLayout: "Contrast layout",
      exportSvg: "Export SVG", exportPng: "Export PNG", iri: "IRI", copy: "Copy",
      copied: "Copied", cite: "Cite", version: "graph version", contrastTable: "Contrasts by axis",
      quality: "Quality education", exam: "Exam-oriented education",
      skipToList: "Skip to the list of contrasts", selectedRelations: "Relations of the selected concept",
      hint: "Click a concept or a relation for its details; arrow keys walk between neighbours."
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
      side: { quality: "素质教育", exam: "应试教育", neutral: "中性" },
      evidenceKinds: { stated: "文本明述", inferred: "编者推断", none: "未记录" },
      onlyOpposes: "只看对比", reset: "全部显示", claim: "断言", axis: "对比维度",
      relation: "关系", from: "从", to: "到", docs: "在文档中打开", noAxis: "无维度",
      communities: "社群", documents: "来源文档", freeLayout: "自由布局", contrastLayout: "对比布局",
      exportSvg: "导出 SVG", exportPng: "导出 PNG", iri: "IRI", copy: "复制", copied: "已复制", cite: "引用",
      version: "图版本", contrastTable: "按维度列出的对比", quality: "素质教育", exam: "应试教育",
      skipToList: "跳到对比列表", selectedRelations: "所选概念的关系",
      hint: "点击概念或关系查看详情；方向键在相邻概念间移动。"
    }
  };
  /* The page's own strings (hints, help, page-only controls) go over the shared ones. */
  ["en", "zh-Hans"].forEach(function (l) {
    Object.keys(page.ui[l]).forEach(function (k) { UI[l][k] = page.ui[l][k]; });
  });
  var NO_AXIS = { key: "", en: UI.en.noAxis, zh: UI["zh-Hans"].noAxis };

  var lang = DATA.lang === "zh-Hans" ? "zh-Hans" : "en";
  var byId = {}, byKey = {}, edgeById = {}, edgeByKey = {}, adjacency = {};
  var typeLabels = {}, predLabels = {};
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

  /* ---- text ----------------------------------------------------------------------------- */

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
  function nodeColor(n, colorBy) {
    if (colorBy === "type") { return DATA.colors.type[n.type] || "#7f7f7f"; }
    if (colorBy === "community") {
      return DATA.colors.community[n.community % DATA.colors.community.length];
    }
    return DATA.colors.side[n.side] || "#607d8b";
  }

  /* ---- what is shown -------------------------------------------------------------------- */

  /* What the filters hide, by group: {side: {quality: true}, ...}. Changed in place, so a
     page may hold on to it. */
  var hidden = { side: {}, type: {}, pred: {}, axis: {}, evidence: {}, doc: {} };
  function resetFilters() {
    Object.keys(hidden).forEach(function (group) { hidden[group] = {}; });
  }
  function edgeFiltersActive() {
    return ["pred", "axis", "evidence"].some(function (k) { return Object.keys(hidden[k]).length; });
  }
  function edgeShownByItself(e, hidden) {
    if (hidden.pred[e.pred]) { return false; }
    if (e.opposes && hidden.axis[e.axis || ""]) { return false; }
    if (hidden.evidence[e.evidence || "none"]) { return false; }
    if (Object.keys(hidden.doc).length && e.docs.length &&
        e.docs.every(function (d) { return hidden.doc[d]; })) { return false; }
    return true;
  }
  function nodeShownByItself(n, hidden) {
    if (hidden.side[n.side] || hidden.type[n.type]) { return false; }
    if (Object.keys(hidden.doc).length &&
        (!n.docs.length || n.docs.every(function (d) { return hidden.doc[d]; }))) { return false; }
    return true;
  }
  /* The ids of the nodes and of the edges shown under the filters: {nodes: {id: true}, edges}. */
  function computeShown() {
    var current = page.current();
    var nodes = {}, edges = {}, touched = {};
    DATA.nodes.forEach(function (n) { if (nodeShownByItself(n, hidden)) { nodes[n.id] = true; } });
    DATA.edges.forEach(function (e) {
      if (nodes[e.from] && nodes[e.to] && edgeShownByItself(e, hidden)) {
        edges[e.id] = true; touched[e.from] = true; touched[e.to] = true;
      }
    });
    /* With a relation, axis or evidence filter on, a concept none of whose relations is
       shown has nothing to say about them: hide it too (the selected one stays). */
    if (edgeFiltersActive()) {
      Object.keys(nodes).forEach(function (id) {
        if (!touched[id] && !(current && current.kind === "node" && String(current.id) === id)) {
          delete nodes[id];
        }
      });
    }
    return { nodes: nodes, edges: edges };
  }
  function countsText(shownNodes, shownEdges) {
    var shown = Object.keys(shownNodes).length, shownE = Object.keys(shownEdges).length;
    var total = DATA.nodes.length === shown ? String(shown) : shown + " / " + DATA.nodes.length;
    var totalE = DATA.edges.length === shownE ? String(shownE) : shownE + " / " + DATA.edges.length;
    return total + " " + t("concepts") + " \u00B7 " + totalE + " " + t("edges");
  }

  /* ---- the panel ------------------------------------------------------------------------ */

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
  /* The relations of `n` in one direction, each a link to its claim; `label` names an edge. */
  function relationItems(n, outgoing, label) {
    var list = el("ul");
    adjacency[n.id].forEach(function (e) {
      if ((outgoing ? e.from : e.to) !== n.id) { return; }
      var li = el("li");
      var rel = el("a", "qe-pred" + (e.opposes ? " qe-opposes" : ""), label(e));
      rel.href = e.claim ? "#" + e.claim : "#";
      rel.addEventListener("click", function (ev) {
        if (!e.claim) { ev.preventDefault(); page.select({ kind: "edge", id: e.id }, true); }
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
  /* A concept's panel up to its passages; `identity` is the page's IRI element, `label`
     names an edge in the relation lists. */
  function nodePanel(n, identity, label) {
    clear(panelBody);
    panelBody.appendChild(panelTitle(nodeLabel(n)));
    panelBody.appendChild(el("p", "qe-second", otherLabel(n)));
    var badges = el("div", "qe-badges");
    var type = typeLabels[n.type];
    badges.appendChild(el("span", "qe-badge", type ? pick(type) : n.type));
    badges.appendChild(el("span", "qe-badge qe-" + n.side, t("side")[n.side]));
    panelBody.appendChild(badges);
    panelBody.appendChild(identity);
    if (DATA.docsHref && n.docsAnchor) {
      var docs = el("a", "qe-docs-link", t("docs"));
      /* Split documentation (above 1,000 concepts): the entry is on its own page. */
      docs.href = n.docsEntry || DATA.docsHref + "#" + n.docsAnchor;
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
    var out = relationItems(n, true, label), inc = relationItems(n, false, label);
    if (out) { panelBody.appendChild(el("h3", null, t("outgoing"))); panelBody.appendChild(out); }
    if (inc) { panelBody.appendChild(el("h3", null, t("incoming"))); panelBody.appendChild(inc); }
    if (!out && !inc) { panelBody.appendChild(el("p", "qe-none", t("noRelation"))); }
  }
  /* A relation's panel: its title, `second` under it, and the claim's facts. */
  function edgePanel(e, second) {
    clear(panelBody);
    var a = byId[e.from], b = byId[e.to];
    panelBody.appendChild(panelTitle(nodeLabel(a) + " \u2014 " + (zh() ? e.zh : e.en) + " \u2192 " +
      nodeLabel(b)));
    panelBody.appendChild(el("p", "qe-second", second));
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
  }
  function openPanel() {
    document.getElementById("qe-panel").hidden = false;
    document.body.classList.add("qe-has-panel");
  }
  function closePanel() {
    document.getElementById("qe-panel").hidden = true;
    document.body.classList.remove("qe-has-panel");
  }
  function panelOpen() { return !document.getElementById("qe-panel").hidden; }

  /* ---- deep links ----------------------------------------------------------------------- */

  function fromFragment() {
    var key = decodeURIComponent(location.hash.slice(1));
    if (!key) { if (panelOpen()) { page.hidePanel(); } return; }
    if (byKey[key]) { page.select({ kind: "node", id: byKey[key].id }, false); return; }
    if (edgeByKey[key]) { page.select({ kind: "edge", id: edgeByKey[key].id }, false); }
  }
  function recordFragment(fragment) {
    if (fragment && decodeURIComponent(location.hash.slice(1)) !== fragment) {
      history.pushState(null, "", "#" + fragment);
    }
  }

  /* ---- filters -------------------------------------------------------------------------- */

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
      page.applyFilters(true);
    };
  }
  /* How many items carry each key (an item may carry several), in all and shown now. */
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
  function filterBox(id) {
    var box = document.getElementById(id);
    clear(box);
    return box;
  }
  /* The side, relation, axis and evidence filters (the type filter is drawn by each page:
     swatches there differ). `dimSides` greys the side swatches when colour is not by side;
     `predsByCount` lists the relations most used first (otherwise by name). */
  function renderSharedFilters(shownNodes, shownEdges, options) {
    var sides = filterBox("qe-filter-side");
    var bySide = tally(DATA.nodes, function (n) { return n.side; }, shownNodes);
    DATA.legend.sides.forEach(function (s) {
      if (!bySide.all[s.key]) { return; }
      var sw = el("span", "qe-swatch");
      sw.style.background = DATA.colors.side[s.key];
      if (options.dimSides) { sw.style.opacity = "0.35"; }
      sides.appendChild(filterRow(sw, t("side")[s.key], countText(bySide, s.key),
        !hidden.side[s.key], toggler("side", s.key)));
    });
    var preds = filterBox("qe-filter-pred");
    var byPred = tally(DATA.edges, function (e) { return e.pred; }, shownEdges);
    Object.keys(predLabels).sort(options.predsByCount ? function (a, b) {
      return (byPred.all[b] - byPred.all[a]) || (a < b ? -1 : 1);
    } : undefined).forEach(function (key) {
      var sample = el("span", "qe-edge-sample" + (key === "qe:opposes" ? " qe-opposes" : ""));
      sample.setAttribute("aria-hidden", "true");
      preds.appendChild(filterRow(sample, pick(predLabels[key]), countText(byPred, key),
        !hidden.pred[key], toggler("pred", key)));
    });
    var axes = filterBox("qe-filter-axis");
    var opposes = DATA.edges.filter(function (e) { return e.opposes; });
    var byAxis = tally(opposes, function (e) { return e.axis || ""; }, shownEdges);
    document.getElementById("qe-axis-section").hidden = !opposes.length;
    DATA.axes.concat(byAxis.all[""] ? [NO_AXIS] : []).forEach(function (a) {
      axes.appendChild(filterRow(null, pick(a), countText(byAxis, a.key), !hidden.axis[a.key],
        toggler("axis", a.key)));
    });
    var evidence = filterBox("qe-filter-evidence");
    var byEvidence = tally(DATA.edges, function (e) { return e.evidence || "none"; }, shownEdges);
    ["stated", "inferred", "none"].forEach(function (k) {
      if (!byEvidence.all[k]) { return; }
      evidence.appendChild(filterRow(null, t("evidenceKinds")[k], countText(byEvidence, k),
        !hidden.evidence[k], toggler("evidence", k)));
    });
  }
  /* The source-document filter and, when colour is by community, the community legend. */
  function renderDocumentsAndCommunities(shownNodes, colorBy) {
    var docs = filterBox("qe-filter-doc");
    var byDoc = tally(DATA.nodes, function (n) { return n.docs; }, shownNodes);
    document.getElementById("qe-doc-section").hidden = !DATA.documents.length;
    DATA.documents.forEach(function (d) {
      if (!byDoc.all[d.key]) { return; }
      var row = filterRow(null, pick(d), countText(byDoc, d.key), !hidden.doc[d.key],
        toggler("doc", d.key));
      row.title = d.file;
      docs.appendChild(row);
    });
    var communities = filterBox("qe-legend-community");
    document.getElementById("qe-community-section").hidden = colorBy !== "community";
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
  /* The two quick filters: only the contrasts, or everything again (the view re-frames). */
  function onlyOpposes() {
    hidden.pred = {};
    Object.keys(predLabels).forEach(function (k) { if (k !== "qe:opposes") { hidden.pred[k] = true; } });
    page.applyFilters(true);
  }
  function showAll() {
    resetFilters();
    page.applyFilters(true);
  }

  /* The search box (viewer-search.js): a chosen concept is selected and recorded. */
  function searchBox() {
    return window.qegraphSearch(DATA.nodes, {
      label: nodeLabel, other: otherLabel, noMatch: function () { return t("noMatch"); },
      choose: function (n) { page.select({ kind: "node", id: n.id }, true); }
    });
  }

  /* ---- language and the controls both pages have --------------------------------------- */

  /* Switches the shared texts of the page to `next`; the page redraws its own parts. */
  function applyLanguage(next, search) {
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
    page.container.setAttribute("aria-label", title);
    document.getElementById("qe-map-help").textContent = t("mapHelp");
    document.querySelectorAll(".qe-lang button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === lang));
    });
  }
  /* The layout button says what a click switches to, and whether the free layout is on. */
  function showLayout(mode) {
    var button = document.getElementById("qe-layout");
    button.setAttribute("aria-pressed", String(mode === "free"));
    button.textContent = mode === "free" ? t("contrastLayout") : t("freeLayout");
  }
  /* The language buttons, the colour choice, the menu, the quick filters, the close button
     and the deep links, wired to the page's actions. */
  function wire(actions) {
    document.querySelectorAll(".qe-lang button").forEach(function (b) {
      b.addEventListener("click", function () { actions.setLanguage(b.getAttribute("data-lang")); });
    });
    document.getElementById("qe-color").addEventListener("change", function (ev) {
      actions.setColorBy(ev.target.value);
    });
    var menu = document.getElementById("qe-menu");
    menu.addEventListener("click", function () {
      var open = !document.body.classList.contains("qe-menu-open");
      document.body.classList.toggle("qe-menu-open", open);
      menu.setAttribute("aria-expanded", String(open));
    });
    document.getElementById("qe-only-opposes").addEventListener("click", onlyOpposes);
    document.getElementById("qe-reset").addEventListener("click", showAll);
    document.getElementById("qe-close").addEventListener("click", function () {
      if (location.hash) { history.pushState(null, "", location.pathname + location.search); }
      page.hidePanel();
      page.container.focus();
    });
    window.addEventListener("hashchange", fromFragment);
    window.addEventListener("popstate", fromFragment);
  }

  /* ---- identity and citation of a concept or a claim ------------------------------------ */

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  /* The IRI with a copy button (the text is selected where the clipboard is refused). */
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

  /* A concept's whole panel (names, IRI, docs link, relations, passages, citation); `label`
     names an edge in the relation lists. */
  function conceptPanel(n, label) {
    nodePanel(n, iriBlock(n.iri, n.curie), label);
    passagesBlock(n.passages);
    panelBody.appendChild(citation(nodeLabel(n), n.iri, n.passages));
  }
  /* A relation's whole panel: the claim's facts, its IRI, passages and citation. */
  function claimPanel(e) {
    var a = byId[e.from], b = byId[e.to];
    edgePanel(e, t("claim"));
    if (e.claim) { panelBody.appendChild(iriBlock(e.claimIri || e.claim, e.claim)); }
    passagesBlock(e.passages);
    panelBody.appendChild(citation(nodeLabel(a) + " " + (zh() ? e.zh : e.en) + " " + nodeLabel(b),
      e.claimIri || e.claim || "", e.passages));
  }

  /* ---- the list beside the picture ------------------------------------------------------ */

  /* A concept in a table cell: a link in the page's language, its label in the other one
     after it (marked with its language, so a screen reader says it right). */
  function tableCell(n) {
    var td = el("td");
    td.appendChild(linkTo(n));
    var other = otherLabel(n);
    if (other && other !== nodeLabel(n)) {
      var span = el("span", "qe-other-lang", other);
      span.lang = zh() ? "en" : "zh-Hans";
      td.appendChild(document.createTextNode(" "));
      td.appendChild(span);
    }
    return td;
  }
  /* The shown contrasts by axis (quality side left), and the selected concept's relations:
     the map's content as tables, for a screen reader and for print. */
  function renderTable(shownEdges) {
    var body = document.getElementById("qe-table-body");
    clear(body);
    var groups = {};
    DATA.edges.forEach(function (e) {
      if (!e.opposes || !shownEdges[e.id]) { return; }
      (groups[e.axis || ""] = groups[e.axis || ""] || []).push(e);
    });
    var order = DATA.axes.map(function (a) { return a; });
    order.push(NO_AXIS);
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
        tr.appendChild(tableCell(left));
        tr.appendChild(tableCell(right));
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
    var current = page.current();
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
        tr.appendChild(tableCell(byId[e.from]));
        tr.appendChild(el("td", null, zh() ? e.zh : e.en));
        tr.appendChild(tableCell(byId[e.to]));
        rbody.appendChild(tr);
      });
      rel.appendChild(rbody);
      body.appendChild(rel);
    }
  }

  /* ---- export --------------------------------------------------------------------------- */

  function download(name, href) {
    var a = document.createElement("a");
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  /* The SVG of what is shown now: visible nodes as labels, visible edges as lines.
     `positions(ids)` gives each id's place in page coordinates ({id: {x, y}}, y down). Labels
     are text nodes, which the serializer escapes. */
  function viewSvg(shownNodes, shownEdges, positions) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    var ids = Object.keys(shownNodes).map(Number);
    var pos = positions(ids);
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
  /* The two export buttons: `svg()` and `png()` give the file's text and data URL. */
  function wireExports(svg, png) {
    document.getElementById("qe-export-png").addEventListener("click", function () {
      download("qegraph-view.png", png());
    });
    document.getElementById("qe-export-svg").addEventListener("click", function () {
      download("qegraph-view.svg", "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg()));
    });
  }

  /* ---- keyboard on the map -------------------------------------------------------------- */

  var ARROWS = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
  /* Arrow keys on the focused map walk to the neighbour that lies most in that direction
     (the first press takes the shown concept nearest the middle of the view), Enter opens the
     selected one, Escape closes the panel. `map.position(id)` and `map.centre()` are in page
     coordinates (y down), `map.shown()` is {nodes, edges}, `map.open(n)` shows n's panel. */
  function keyboard(map) {
    page.container.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { if (panelOpen()) { page.hidePanel(); } return; }
      var dir = ARROWS[ev.key];
      if (!dir && ev.key !== "Enter") { return; }
      ev.preventDefault();
      var shown = map.shown();
      var nodes = DATA.nodes.filter(function (n) { return shown.nodes[n.id]; });
      if (!nodes.length) { return; }
      var current = page.current();
      if (!current || current.kind !== "node") {
        var centre = map.centre();
        var first = nodes.reduce(function (best, n) {
          var p = map.position(n.id);
          var d = Math.hypot(p.x - centre.x, p.y - centre.y);
          return !best || d < best[0] ? [d, n] : best;
        }, null)[1];
        page.select({ kind: "node", id: first.id }, true);
        return;
      }
      if (ev.key === "Enter") { map.open(byId[current.id]); return; }
      var here = map.position(current.id);
      var best = null;
      adjacency[current.id].forEach(function (e) {
        if (!shown.edges[e.id]) { return; }
        var other = e.from === current.id ? e.to : e.from;
        var p = map.position(other);
        var dx = p.x - here.x, dy = p.y - here.y, len = Math.hypot(dx, dy) || 1;
        var cos = (dx * dir[0] + dy * dir[1]) / len;
        if (cos > 0.2 && (!best || cos - len / 1e5 > best[0])) { best = [cos - len / 1e5, other]; }
      });
      if (best) { page.select({ kind: "node", id: best[1] }, true); }
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && panelOpen() && ev.target !== document.getElementById("qe-search")) {
        page.hidePanel();
        page.container.focus();
      }
    });
  }

  return {
    UI: UI, NO_AXIS: NO_AXIS, byId: byId, byKey: byKey, edgeById: edgeById, edgeByKey: edgeByKey,
    adjacency: adjacency, typeLabels: typeLabels, predLabels: predLabels,
    lang: function () { return lang; }, t: t, zh: zh, nodeLabel: nodeLabel, otherLabel: otherLabel,
    pick: pick, definition: definition, el: el, clear: clear, nodeColor: nodeColor,
    hidden: hidden, edgeFiltersActive: edgeFiltersActive, computeShown: computeShown,
    countsText: countsText, panelBody: panelBody, linkTo: linkTo, passageList: passageList, passagesBlock: passagesBlock,
    nodePanel: nodePanel, edgePanel: edgePanel, openPanel: openPanel, closePanel: closePanel,
    panelOpen: panelOpen, fromFragment: fromFragment, recordFragment: recordFragment,
    filterBox: filterBox, filterRow: filterRow, toggler: toggler, tally: tally, countText: countText,
    renderSharedFilters: renderSharedFilters,
    renderDocumentsAndCommunities: renderDocumentsAndCommunities, onlyOpposes: onlyOpposes, showAll: showAll,
    searchBox: searchBox, conceptPanel: conceptPanel, claimPanel: claimPanel,
    renderTable: renderTable,
    download: download, viewSvg: viewSvg, wireExports: wireExports, keyboard: keyboard,
    showLayout: showLayout, applyLanguage: applyLanguage, wire: wire
  };
};
