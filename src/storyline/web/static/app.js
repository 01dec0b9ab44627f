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
     line's sources, by its position under the same filter, and checks that it is still the same
     line. */
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

  /* ---------------------------------------------------------------- the person page's drawing */
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var SHORT_RANGE = 92;  // days: a week, month, season or quarter is drawn as the bar it is; longer is rough
  // a bound or an amount: the line's time lies on one side of its date, not at it
  var BOUNDS = { BEFORE: 1, AFTER: 1, ON_OR_BEFORE: 1, ON_OR_AFTER: 1, MORE_THAN: 1, LESS_THAN: 1, EQUAL_OR_MORE: 1, EQUAL_OR_LESS: 1 };
  var AFTER = { AFTER: 1, ON_OR_AFTER: 1, MORE_THAN: 1, EQUAL_OR_MORE: 1 };
  var BUSIEST = 0.8;  // the view opens on the shortest span that holds this share of the dated lines
  var BAR = 2;  // a week, month or season is its bar once it spans 1/BAR of the view; narrower, a dot
  var ROUGH = "rough";  // the lane of the lines dated only roughly
  var LANES = [["event", "Events"], ["quote", "Quotes by"], ["quote_about", "Quotes about"],
    ["relation", "Relations"], ["reference", "Dates mentioned"], [ROUGH, "Rough dates"]];

  function dayOf(iso) { return Date.parse(iso.slice(0, 10) + "T00:00:00Z"); }
  function isoDay(time) { return new Date(time).toISOString().slice(0, 10); }
  function words(time) {  // "9 Nov 2016", as storyline.dates writes a day
    var d = new Date(time);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  /* Where a line goes: a dot for a day; a bar where the range is the date itself (a week, a
     month, a season: see shape); and a line dated only roughly (a bound such as "before 8 Nov
     2015", a year, a decade) is a dot on the last lane, at the day its date starts (or, after a
     day, at that day), never a bar across the years. A line dated only by its report ("by 9 Nov
     2015", no time of its own) is a dot on that day. Undated lines: null. */
  function place(entry) {
    if (!entry.date_start) return null;
    var start = dayOf(entry.date_start), end = dayOf(entry.date_end || entry.date_start) + DAY;
    var bound = entry.value && entry.mod && BOUNDS[entry.mod];
    var days = Math.round((end - start) / DAY);
    if (!bound && days <= 1) return { group: entry.kind, start: start, type: "point", at: start };
    if (!bound && days <= SHORT_RANGE) return { group: entry.kind, start: start, end: end, type: "range", at: (start + end) / 2 };
    var at = bound && AFTER[entry.mod] ? end - DAY : start;
    return { group: ROUGH, start: at, type: "point", at: at, rough: true };
  }

  /* A line with a range as a bar when the bar is wide enough to read in a view `width` long, else
     as a dot at its middle: vis-timeline clusters dots, not bars, and a month's bars, one per
     line, would stack in as many rows across a view of a year. */
  function shape(item, where, width) {
    if (where.end && (where.end - where.start) * BAR >= width) {
      item.type = "range";
      item.start = where.start;
      item.end = where.end;
    } else {
      item.type = "point";
      item.start = where.at;
      delete item.end;
    }
    return item;
  }

  /* The shortest span holding BUSIEST of these times (sorted here), padded: one pass. */
  function busiest(times) {
    if (!times.length) return null;
    times.sort(function (a, b) { return a - b; });
    var k = Math.max(1, Math.ceil(BUSIEST * times.length)), lo = 0;
    for (var i = 1; i + k - 1 < times.length; i++) {
      if (times[i + k - 1] - times[i] < times[lo + k - 1] - times[lo]) lo = i;
    }
    var first = times[lo], last = times[lo + k - 1], pad = Math.max((last - first) * 0.05, 3 * DAY);
    return { start: first - pad, end: last + pad, share: k / times.length };
  }

  /* The filter form's choices as query parameters, without the empty ones nor the kinds when all
     are ticked; `drop` names those left out. */
  function choices(form, drop) {
    var params = new URLSearchParams(), every = !form.querySelector("input[name=kind]:not(:checked)");
    new FormData(form).forEach(function (value, key) {
      if (value !== "" && !(drop && drop[key]) && !(every && key === "kind")) params.append(key, value);
    });
    return params;
  }

  function PersonTimeline(box, form) {
    this.box = box;
    this.form = form;
    this.panel = document.getElementById("timeline-detail");
    this.status = document.getElementById("timeline-status");
    this.undated = document.querySelector("#undated ul");
    this.timeline = null;
    this.shown = [];
    this.serial = 0;
  }

  /* The lines under the form's kinds, type, outlet and words; the dates move the view instead. */
  PersonTimeline.prototype.api = function () {
    var params = choices(this.form, { since: 1, until: 1, all: 1 });
    params.set("min_confidence", this.box.dataset.minConfidence || "0.5");
    return this.box.dataset.api + "?" + params.toString();
  };

  var LINES_PER_CALL = 2000;  // the API's most; a heavier timeline comes in several calls
  var MOST_CALLS = 10;

  PersonTimeline.prototype.load = function () {
    var self = this, api = this.api(), serial = ++this.serial, entries = [];
    this.box.removeAttribute("data-ready");
    function more(offset) {
      return fetch(api + "&limit=" + LINES_PER_CALL + "&offset=" + offset + "&evidence=0",
        { headers: { Accept: "application/json" } })
        .then(function (r) {
          if (!r.ok) throw new Error("answered " + r.status);
          return r.json();
        })
        .then(function (data) {
          if (serial !== self.serial) return;  // the filter changed meanwhile
          entries = entries.concat(data.entries);
          var next = offset + LINES_PER_CALL;
          if (data.entries.length && next < data.total && next < LINES_PER_CALL * MOST_CALLS) return more(next);
          self.draw(api, { entries: entries, total: data.total });
        });
    }
    more(0).catch(function () { self.status.textContent = "The timeline could not be loaded."; });
  };

  PersonTimeline.prototype.draw = function (api, data) {
    var self = this, items = [], times = [], lanes = {}, rough = 0;
    this.shown = data.entries;
    this.places = {};
    this.bars = [];  // the items that may be bars, with their places
    this.undated.replaceChildren();
    this.panel.replaceChildren();
    data.entries.forEach(function (entry, i) {
      var where = place(entry);
      if (!where) {
        var li = document.createElement("li");
        li.appendChild(summary("span", entry));
        li.appendChild(document.createTextNode(" "));
        var open = li.appendChild(text("button", "sources", "link"));
        open.type = "button";
        open.addEventListener("click", function () { showDetail(self.panel, api, entry, i); });
        self.undated.appendChild(li);
        return;
      }
      var content = summary("span", entry, 60);
      if (where.rough) content.insertBefore(document.createTextNode(entry.label + ": "), content.firstChild);
      var item = { id: i, content: content, start: where.start, type: where.type, group: where.group,
        className: "kind-" + entry.kind };
      if (where.end) self.bars.push([item, where]);
      lanes[where.group] = true;
      if (where.rough) rough++; else times.push(where.at);
      items.push(item);
    });
    var undated = this.undated.children.length;
    document.getElementById("undated").hidden = !undated;
    document.querySelector("#undated summary").textContent = "Undated (" + undated + ")";
    var groups = LANES.filter(function (l) { return lanes[l[0]]; }).map(function (l, order) {
      return { id: l[0], content: text("span", l[1]), order: order };
    });
    var view = this.range() || busiest(times.length ? times : items.map(function (it) { return it.start; }));
    var width = view ? view.end - view.start : 365 * DAY;
    this.bars.forEach(function (bar) { shape(bar[0], bar[1], width); });
    this.items = new vis.DataSet(items);
    if (!this.timeline) this.create(this.items, groups, view);
    else this.timeline.setData({ groups: new vis.DataSet(groups), items: this.items });
    if (view) this.view(view);
    var said = items.length + " lines drawn" + (rough ? " (" + rough + " of them roughly dated, on the last lane)" : "") +
      (undated ? ", " + undated + " undated below" : "") + ".";
    if (data.entries.length < data.total) said += " Only the first " + data.entries.length + " of " + data.total + " lines.";
    if (!items.length) said = undated ? "Nothing dated here; the undated lines are below." : "No line here: widen the filter.";
    else if (view && view.share) said += " First drawn over " + words(view.start) + " to " + words(view.end) +
      ", the shortest span that holds " + Math.round(100 * view.share) + "% of the dated lines.";
    this.status.textContent = said;
    this.box.dataset.ready = String(items.length);
  };

  /* After a zoom: the bars that became too narrow to read turn into dots, and back. */
  PersonTimeline.prototype.reshape = function () {
    var w = this.timeline.getWindow(), width = w.end - w.start, changed = [];
    this.bars.forEach(function (bar) {
      var was = bar[0].type;
      if (shape(bar[0], bar[1], width).type !== was) changed.push(bar[0]);
    });
    if (!changed.length) return;
    this.items.remove(changed.map(function (item) { return item.id; }));
    this.items.add(changed);
  };

  PersonTimeline.prototype.create = function (items, groups, view) {
    var self = this;
    var options = {
      zoomMin: DAY, zoomMax: 200 * 365 * DAY, maxHeight: 560, stack: true, selectable: true,
      showTooltips: false, xss: { disabled: false }, groupOrder: "order",
      margin: { item: { horizontal: 4, vertical: 3 } },
      // dots that would overlap become one box with their number; bars never join
      cluster: { maxItems: 1, titleTemplate: "{count} lines: click to zoom in", showStipes: false, fitOnDoubleClick: true,
        clusterCriteria: function (a, b) { return a.type === "point" && b.type === "point"; } }
    };
    if (view) { options.start = view.start; options.end = view.end; }  // drawn there from the first
    this.timeline = new vis.Timeline(this.box, items, new vis.DataSet(groups), options);
    this.timeline.on("click", function (props) {
      if (!props.isCluster || props.time === null) return;
      var w = self.timeline.getWindow(), half = (w.end - w.start) / 8, at = props.time.valueOf();
      self.timeline.setWindow(at - half, at + half);
      self.follow(true);
    });
    this.timeline.on("select", function (props) {
      var i = props.items[0], entry = self.shown[i];
      if (props.items.length && entry) showDetail(self.panel, self.api(), entry, i);
    });
    this.timeline.on("rangechanged", function (props) {
      self.mark();
      self.reshape();
      if (props.byUser) self.follow(false);
    });
    this.mark();
  };

  /* Show this span. vis-timeline 7.7.4 draws its clusters only once the range has changed after
     the items were set (on the first drawing they were left out, clusters and all): a change of
     a millisecond, after the drawing, makes it draw them. */
  PersonTimeline.prototype.view = function (view) {
    var timeline = this.timeline;
    timeline.setWindow(view.start, view.end, { animation: false });
    timeline.once("changed", function () { timeline.setWindow(view.start + 1, view.end, { animation: false }); });
  };

  /* The view's days on the box, for the lists and for tests. */
  PersonTimeline.prototype.mark = function () {
    var w = this.timeline.getWindow();
    this.box.dataset.windowStart = isoDay(w.start.valueOf());
    this.box.dataset.windowEnd = isoDay(w.end.valueOf());
  };

  /* The form's dates, as a view, when both are given. */
  PersonTimeline.prototype.range = function () {
    var since = this.form.elements.since.value, until = this.form.elements.until.value;
    if (!since || !until || since > until) return null;
    return { start: dayOf(since), end: dayOf(until) + DAY };
  };

  /* The reader moved the view: the lists follow its days (after a pause, not at every step). */
  PersonTimeline.prototype.follow = function (now) {
    var self = this;
    clearTimeout(this.pending);
    this.pending = setTimeout(function () {
      var w = self.timeline.getWindow();
      self.form.elements.since.value = isoDay(w.start.valueOf());
      self.form.elements.until.value = isoDay(w.end.valueOf() - 1);
      self.changed();
    }, now ? 0 : 400);
  };

  /* Whatever changed, the lists are asked for again and the address keeps the choices. */
  PersonTimeline.prototype.changed = function () {
    var params = choices(this.form);
    history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params.toString() : ""));
    this.form.dispatchEvent(new CustomEvent("filters-changed"));
  };

  PersonTimeline.prototype.listen = function () {
    var self = this, typing = null;
    this.form.classList.add("live");  // the lists follow every change: no Apply button
    this.form.addEventListener("submit", function (e) { e.preventDefault(); self.load(); self.changed(); });
    this.form.addEventListener("change", function (e) {
      var name = e.target.name;
      if (name === "kind" && !self.form.querySelector("input[name=kind]:checked")) e.target.checked = true;  // never none
      if (name === "since" || name === "until") {
        var view = self.range();
        if (view && self.timeline) self.timeline.setWindow(view.start, view.end, { animation: false });  // typed dates: go there
        self.changed();
        return;
      }
      if (name === "search") return;  // handled as it is typed
      self.load();
      self.changed();
    });
    this.form.elements.search.addEventListener("input", function () {
      clearTimeout(typing);
      typing = setTimeout(function () { self.load(); self.changed(); }, 300);
    });
    var anyDate = document.getElementById("filter-any-date");
    if (anyDate) anyDate.addEventListener("click", function () {
      self.form.elements.since.value = "";
      self.form.elements.until.value = "";
      self.load();  // the busiest span again
      self.changed();
    });
  };

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

  var box = document.getElementById("timeline"), filters = document.getElementById("filters");
  if (box && filters && window.vis) {
    var drawing = new PersonTimeline(box, filters);
    drawing.listen();
    drawing.load();
  }

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
