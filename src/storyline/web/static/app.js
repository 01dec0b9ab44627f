/* storyline's only script: the person page's timeline, and the endpoints on /api/docs. No inline
   scripts anywhere (the CSP forbids them); every text from an article reaches the page through textContent, never as HTML. */
(function () {
  "use strict";

  var DAY = 86400000;

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }

  /* A line's summary, with the words quoted inside a statement (entry.marks: [start, end) pairs)
     in <mark class="quoted">; cut to `clip` characters if given. Text nodes only, never HTML. */
  function summary(tag, entry, clip) {
    var value = entry.summary, node = document.createElement(tag), at = 0;
    var shown = clip && value.length > clip ? clip - 1 : value.length;
    (entry.marks || []).forEach(function (m) {
      if (m[0] < at || m[0] >= shown) return;
      node.appendChild(document.createTextNode(value.slice(at, m[0])));
      node.appendChild(text("mark", value.slice(m[0], Math.min(m[1], shown)), "quoted"));
      at = Math.min(m[1], shown);
    });
    node.appendChild(document.createTextNode(value.slice(at, shown) + (shown < value.length ? "…" : "")));
    return node;
  }

  function nextDay(iso) {
    var d = new Date(iso + "T00:00:00Z");
    return new Date(d.getTime() + DAY).toISOString().slice(0, 10);
  }

  function sourceLink(evidence) {
    var a = text("a", (evidence.outlets.join(", ") || "article") + ", " + (evidence.published_label || "undated"), "source");
    a.href = "/articles/" + encodeURIComponent(evidence.article_id) + "?start=" + evidence.start +
      "&end=" + evidence.end + "#focus";
    return a;
  }

  function showEvidence(panel, entry) {
    var list = document.createElement("ul");
    entry.evidence.forEach(function (e) {
      var li = document.createElement("li");
      li.appendChild(text("q", e.sentence, "evidence"));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(sourceLink(e));
      list.appendChild(li);
    });
    panel.appendChild(list);
    var more = (entry.evidence_total || 0) - entry.evidence.length;
    if (more > 0) panel.appendChild(text("p", "+" + more + " more reports", "muted"));
  }

  /* The timeline is drawn from its lines alone (evidence=0: drawing every line of a heavily
     reported person with their sources cost several times more); a click asks for that one
     line's sources, by its position, and checks that it is still the same line. */
  function showDetail(panel, api, entry, position) {
    panel.replaceChildren();
    panel.appendChild(text("h3", entry.label + " · " + entry.kind.replace("_", " ")));
    panel.appendChild(summary("p", entry));
    if (entry.kind === "event" && entry.evidence_total > 1) {  // one real event, several reports of it
      var sources = entry.evidence_total + " reports in " + entry.articles + (entry.articles === 1 ? " article" : " articles");
      if (entry.outlets && entry.outlets.length) sources += ": " + entry.outlets.join(", ");
      panel.appendChild(text("p", sources, "muted"));
    }
    if (entry.confidence !== null && entry.confidence !== undefined) {
      panel.appendChild(text("p", "confidence " + entry.confidence, "muted"));
    }
    var waiting = panel.appendChild(text("p", "Loading its sources…", "muted"));
    fetch(api + "&offset=" + position + "&limit=1&evidence=5", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var found = data.entries && data.entries[0];
        if (panel.dataset.shown !== String(position)) return;  // another item was clicked since
        waiting.remove();
        if (!found || found.summary !== entry.summary || found.date !== entry.date) {
          panel.appendChild(text("p", "The timeline has changed since it was drawn: reload the page.", "muted"));
          return;
        }
        showEvidence(panel, found);
      })
      .catch(function () { waiting.textContent = "Its sources could not be loaded."; });
    panel.dataset.shown = String(position);
  }

  function drawTimeline(box) {
    var panel = document.getElementById("timeline-detail");
    var undated = document.querySelector("#undated ul");
    var api = box.dataset.api + "?min_confidence=" + encodeURIComponent(box.dataset.minConfidence || "0.5");
    fetch(api + "&limit=2000&evidence=0", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var items = [];
        data.entries.forEach(function (entry, i) {
          if (!entry.date_start) {
            var li = document.createElement("li");
            li.appendChild(summary("span", entry));
            li.appendChild(document.createTextNode(" "));
            var open = li.appendChild(text("button", "sources", "link"));
            open.type = "button";
            open.addEventListener("click", function () { showDetail(panel, api, entry, i); });
            undated.appendChild(li);
            return;
          }
          var label = summary("span", entry, 80);
          var item = { id: i, content: label, start: entry.date_start, className: "kind-" + entry.kind };
          if (entry.date_end && entry.date_end !== entry.date_start) {
            item.end = nextDay(entry.date_end);  // a fuzzy date ("2017-11") is drawn as the range it covers
            item.type = "range";
          } else {
            item.type = "box";
          }
          items.push(item);
        });
        if (!undated.children.length) document.getElementById("undated").hidden = true;
        if (!items.length) { box.appendChild(text("p", "Nothing dated is known yet.", "muted")); return; }
        var timeline = new vis.Timeline(box, new vis.DataSet(items), {
          zoomMin: DAY, zoomMax: 200 * 365 * DAY, maxHeight: 520, stack: true, selectable: true,
          showTooltips: false, xss: { disabled: false }
        });
        timeline.on("select", function (props) {
          var i = props.items[0];
          if (props.items.length) showDetail(panel, api, data.entries[i], i);
        });
        box.dataset.ready = String(items.length);
      })
      .catch(function () { box.appendChild(text("p", "The timeline could not be loaded.", "muted")); });
  }

  /* /api/docs: the endpoints of /api/openapi.json, drawn here rather than by Swagger UI (which
     comes from a CDN with an inline script: the CSP forbids both, and storyline works offline). */
  /* A schema in a few words: its type(s), format and range ("integer 1-200, default 50"). */
  function describe(schema) {
    if (!schema) return "";
    var kinds = (schema.anyOf || [schema]).filter(function (s) { return s.type !== "null"; });
    var words = kinds.map(function (s) {
      var word = s.type || (s.$ref ? s.$ref.split("/").pop() : "any");
      if (s.format) word += " (" + s.format + ")";
      if (s.minimum !== undefined || s.maximum !== undefined) {
        word += " " + (s.minimum !== undefined ? s.minimum : "") + "-" + (s.maximum !== undefined ? s.maximum : "");
      }
      if (s.maxLength !== undefined) word += " of at most " + s.maxLength + " characters";
      if (s.pattern) word += " matching " + s.pattern;
      if (s.enum) word += " (" + s.enum.join(", ") + ")";
      return word;
    }).join(" or ");
    if (schema.default !== undefined && schema.default !== null) words += ", default " + schema.default;
    return words;
  }

  function parameters(list) {
    var table = document.createElement("table");
    table.className = "params";
    var head = table.appendChild(document.createElement("tr"));
    ["parameter", "in", "value", "meaning"].forEach(function (h) { head.appendChild(text("th", h)); });
    list.forEach(function (p) {
      var row = table.appendChild(document.createElement("tr"));
      row.appendChild(text("td", p.name + (p.required ? " (required)" : ""), "name"));
      row.appendChild(text("td", p.in));
      row.appendChild(text("td", describe(p.schema)));
      row.appendChild(text("td", p.description || (p.schema && p.schema.description) || ""));
    });
    return table;
  }

  function operation(method, path, op) {
    var section = document.createElement("section");
    section.className = "endpoint";
    var title = section.appendChild(document.createElement("h2"));
    title.appendChild(text("span", method.toUpperCase(), "method"));
    title.appendChild(document.createTextNode(" "));
    title.appendChild(text("code", path, "path"));
    if (op.summary) section.appendChild(text("p", op.summary));
    if (op.parameters && op.parameters.length) section.appendChild(parameters(op.parameters));
    var codes = Object.keys(op.responses || {}).map(function (code) {
      return code + ": " + (op.responses[code].description || "");
    });
    if (codes.length) section.appendChild(text("p", "Answers " + codes.join("; "), "muted"));
    return section;
  }

  function drawEndpoints(root, spec) {
    root.replaceChildren();
    var info = spec.info || {};
    root.appendChild(text("p", (info.description || "") + " Version " + (info.version || "?") + "."));
    Object.keys(spec.paths || {}).forEach(function (path) {
      Object.keys(spec.paths[path]).forEach(function (method) {
        root.appendChild(operation(method, path, spec.paths[path][method]));
      });
    });
    root.setAttribute("data-loaded", "true");
  }

  var box = document.getElementById("timeline");
  if (box && window.vis) drawTimeline(box);

  var endpoints = document.getElementById("endpoints");
  if (endpoints) {
    fetch(endpoints.getAttribute("data-schema"), { headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("the schema answered " + r.status);
        return r.json();
      })
      .then(function (spec) { drawEndpoints(endpoints, spec); })
      .catch(function (e) { endpoints.replaceChildren(text("p", "Could not read the schema: " + e.message)); });
  }

  var focus = document.getElementById("focus");
  if (focus) focus.scrollIntoView({ block: "center" });
})();
