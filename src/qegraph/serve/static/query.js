/* qegraph query page: CodeMirror editor, POST to /sparql, result table with labels. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("qe-config").textContent);
  var editor = CodeMirror.fromTextArea(document.getElementById("qe-query"), {
    mode: "application/sparql-query", lineNumbers: true, indentUnit: 2
  });
  var examples = document.getElementById("qe-examples");
  var question = document.getElementById("question");
  var langSelect = document.getElementById("qe-lang");
  var state = document.getElementById("state");
  var results = document.getElementById("results");
  var prologue = Object.keys(config.prefixes).map(function (p) {
    return "PREFIX " + p + ": <" + config.prefixes[p] + ">";
  }).join("\n") + "\n\n";

  config.examples.forEach(function (q, i) {
    var option = document.createElement("option");
    option.value = String(i);
    option.textContent = q.name + " \u2014 " + q.question;
    examples.appendChild(option);
  });
  examples.addEventListener("change", function () {
    var q = config.examples[Number(examples.value)];
    if (!q) { return; }
    editor.setValue(q.text);
    question.textContent = q.question;
  });
  editor.setValue(config.initial || prologue + "SELECT ?concept ?label WHERE {\n  ?concept a skos:Concept ; skos:prefLabel ?label .\n  FILTER(lang(?label) = \"en\")\n}\nORDER BY ?label\nLIMIT 20\n");

  function curie(iri) {
    var best = null;
    Object.keys(config.prefixes).forEach(function (p) {
      var ns = config.prefixes[p];
      if (iri.indexOf(ns) === 0 && /^[A-Za-z0-9_\-.]*$/.test(iri.slice(ns.length))) {
        if (!best || ns.length > config.prefixes[best].length) { best = p; }
      }
    });
    return best ? best + ":" + iri.slice(config.prefixes[best].length) : null;
  }

  function post(query, accept) {
    return fetch(config.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": accept },
      body: query
    }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (t) { throw new Error(response.status + ": " + t); });
      }
      return response.json();
    });
  }

  function labels(iris, lang) {
    if (!iris.length) { return Promise.resolve({}); }
    var values = iris.map(function (i) { return "<" + i + ">"; }).join(" ");
    var q = "SELECT ?s ?l WHERE { VALUES ?s { " + values + " } ?s skos:prefLabel|rdfs:label ?l . " +
      "FILTER(langMatches(lang(?l), \"" + lang + "\")) }";
    return post(q, "application/sparql-results+json").then(function (data) {
      var found = {};
      data.results.bindings.forEach(function (b) {
        if (!(b.s.value in found)) { found[b.s.value] = b.l.value; }
      });
      return found;
    }).catch(function () { return {}; });
  }

  function text(tag, value, className) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    e.textContent = value;
    return e;
  }

  function link(href, label) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    return a;
  }

  function cell(term, names) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var short = curie(term.value);
      td.appendChild(text("span", names[term.value] || short || term.value, "label"));
      if (names[term.value] || short) {
        td.appendChild(document.createTextNode(" "));
        td.appendChild(text("span", short || term.value, "iri"));
      }
      var links = document.createElement("span");
      links.className = "links";
      if (short && short.indexOf("qe:") === 0) {
        links.appendChild(link("/#" + encodeURIComponent(term.value), config.ui.viewer));
        links.appendChild(link("/docs/#" + short.replace(/[^A-Za-z0-9_-]+/g, "-"), config.ui.docs));
      }
      td.appendChild(links);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) { td.lang = term["xml:lang"]; }
    }
    return td;
  }

  function show(data, names) {
    results.textContent = "";
    if ("boolean" in data) {
      results.appendChild(text("p", String(data.boolean), "boolean"));
      state.textContent = config.ui.done;
      return;
    }
    var table = document.createElement("table");
    var head = document.createElement("tr");
    data.head.vars.forEach(function (v) { head.appendChild(text("th", v)); });
    table.appendChild(head);
    data.results.bindings.forEach(function (b) {
      var tr = document.createElement("tr");
      data.head.vars.forEach(function (v) { tr.appendChild(cell(b[v], names)); });
      table.appendChild(tr);
    });
    results.appendChild(table);
    var n = data.results.bindings.length;
    state.textContent = n + " " + (n === 1 ? config.ui.row : config.ui.rows) +
      (data.truncated ? " " + config.ui.truncated : "");
  }

  function run() {
    state.className = "";
    state.textContent = config.ui.running;
    results.textContent = "";
    var lang = langSelect.value;
    post(editor.getValue(), "application/sparql-results+json").then(function (data) {
      var iris = [];
      if (data.results) {
        data.results.bindings.forEach(function (b) {
          Object.keys(b).forEach(function (k) {
            if (b[k].type === "uri" && iris.indexOf(b[k].value) < 0 && iris.length < 500) {
              iris.push(b[k].value);
            }
          });
        });
      }
      return labels(iris, lang).then(function (names) { show(data, names); });
    }).catch(function (err) {
      state.className = "error";
      state.textContent = String(err.message || err);
    });
  }
  document.getElementById("run").addEventListener("click", run);
  langSelect.addEventListener("change", function () { if (results.firstChild) { run(); } });
  editor.setOption("extraKeys", { "Ctrl-Enter": run, "Cmd-Enter": run });
  window.qegraphQuery = { editor: editor, run: run };
})();
