/* storyline's only script: the person page's timeline. No inline scripts anywhere (the CSP forbids
   them); every text from an article reaches the page through textContent, never as HTML. */
(function () {
  "use strict";

  var DAY = 86400000;

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }

  function nextDay(iso) {
    var d = new Date(iso + "T00:00:00Z");
    return new Date(d.getTime() + DAY).toISOString().slice(0, 10);
  }

  function sourceLink(evidence) {
    var a = text("a", (evidence.outlets.join(", ") || "article") + ", " + (evidence.published || "undated"), "source");
    a.href = "/articles/" + encodeURIComponent(evidence.article_id) + "?start=" + evidence.start +
      "&end=" + evidence.end + "#focus";
    return a;
  }

  function showDetail(panel, entry) {
    panel.replaceChildren();
    panel.appendChild(text("h3", entry.date + " · " + entry.kind.replace("_", " ")));
    panel.appendChild(text("p", entry.summary));
    var list = document.createElement("ul");
    entry.evidence.slice(0, 5).forEach(function (e) {
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

  function drawTimeline(box) {
    var panel = document.getElementById("timeline-detail");
    var undated = document.querySelector("#undated ul");
    fetch(box.dataset.api, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var items = [];
        data.entries.forEach(function (entry, i) {
          if (!entry.date_start) {
            var li = document.createElement("li");
            li.appendChild(text("span", entry.summary));
            if (entry.evidence.length) { li.appendChild(document.createTextNode(" ")); li.appendChild(sourceLink(entry.evidence[0])); }
            undated.appendChild(li);
            return;
          }
          var label = text("span", entry.summary.length > 80 ? entry.summary.slice(0, 79) + "…" : entry.summary);
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
          if (props.items.length) showDetail(panel, data.entries[props.items[0]]);
        });
        box.dataset.ready = String(items.length);
      })
      .catch(function () { box.appendChild(text("p", "The timeline could not be loaded.", "muted")); });
  }

  var box = document.getElementById("timeline");
  if (box && window.vis) drawTimeline(box);

  var focus = document.getElementById("focus");
  if (focus) focus.scrollIntoView({ block: "center" });
})();
