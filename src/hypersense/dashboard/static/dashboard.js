// The hypersense dashboard's pages: fetch JSON, fill tables with textContent
// (text from studies never becomes markup), draw the report's figure specs with
// plotly, and poll with If-None-Match so an unchanged study costs a 304.
(function () {
  "use strict";

  var body = document.body;
  var page = body.dataset.page;
  var pollMs = parseInt(body.dataset.pollMs || "1000", 10);
  var csrf = body.dataset.csrf || "";
  var etags = {};
  var cached = {};
  var PLOT_CONFIG = { responsive: true, displaylogo: false };
  // This script runs before plotly.js (both deferred, this one first), so its
  // requests overlap plotly's compilation; drawing waits until every deferred
  // script has run.
  var plotlyReady = window.Plotly ? Promise.resolve() : new Promise(function (resolve) {
    document.addEventListener("DOMContentLoaded", function () { resolve(); });
  });

  function $(id) { return document.getElementById(id); }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function link(href, text) {
    var a = el("a", text);
    a.href = href;
    return a;
  }

  function num(v) {
    if (v === null || v === undefined) return "–";
    if (typeof v !== "number") return String(v);
    if (Number.isInteger(v)) return String(v);
    var a = Math.abs(v);
    return a !== 0 && (a < 1e-4 || a >= 1e7) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
  }

  function clock(t) {
    return t ? new Date(t * 1000).toLocaleTimeString() : "–";
  }

  function ago(t) {
    if (!t) return "–";
    var s = Math.max(0, Date.now() / 1000 - t);
    if (s < 60) return Math.round(s) + " s ago";
    if (s < 3600) return Math.round(s / 60) + " min ago";
    if (s < 86400) return (s / 3600).toFixed(1) + " h ago";
    return new Date(t * 1000).toLocaleString();
  }

  function duration(s) {
    if (s === null || s === undefined) return "–";
    return s < 120 ? s.toFixed(1) + " s" : (s / 60).toFixed(1) + " min";
  }

  function setLive(ok, message) {
    var live = $("live");
    if (!live) return;
    live.className = "live " + (ok ? "ok" : "down");
    live.textContent = ok ? "live · checked " + new Date().toLocaleTimeString()
      : "not connected: " + message;
  }

  // GET url as JSON; {changed, data}. A 304 answers with the data seen before.
  function getJSON(url) {
    var headers = {};
    if (etags[url]) headers["If-None-Match"] = etags[url];
    return fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.status === 304) return { changed: false, data: cached[url] };
        if (!r.ok) {
          return r.json().catch(function () { return {}; }).then(function (d) {
            throw new Error(d.error || "HTTP " + r.status);
          });
        }
        var tag = r.headers.get("ETag");
        return r.json().then(function (d) {
          etags[url] = tag;
          cached[url] = d;
          return { changed: true, data: d };
        });
      });
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Hypersense-CSRF": csrf },
      body: JSON.stringify(data),
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (d) {
        if (!r.ok) throw new Error(d.error || "HTTP " + r.status);
        return d;
      });
    });
  }

  function schedule(fn) {
    setTimeout(fn, document.hidden ? Math.max(5000, pollMs) : pollMs);
  }

  // Draw (or redraw in place) a figure spec; hide its section when it has none.
  function draw(div, spec) {
    var section = div.closest("section.figure");
    if (!spec) {
      if (section) section.hidden = true;
      div.dataset.rendered = "empty";
      return Promise.resolve();
    }
    return plotlyReady.then(function () {
      if (section) section.hidden = false;
      var first = !div.dataset.rendered || div.dataset.rendered === "empty";
      return first ? Plotly.newPlot(div, spec.data, spec.layout, PLOT_CONFIG)
        : Plotly.react(div, spec.data, spec.layout, PLOT_CONFIG);
    }).then(function () {
      div.dataset.rendered = "true";
      div.dataset.draws = String(parseInt(div.dataset.draws || "0", 10) + 1);
    }).catch(function (err) {
      div.dataset.rendered = "error";
      div.textContent = "This figure could not be drawn: " + err;
      console.error(err);
    });
  }

  function fillRows(tbody, rows) {
    tbody.replaceChildren.apply(tbody, rows);
  }

  function kvRows(table, pairs) {
    var rows = pairs.map(function (p) {
      var tr = el("tr");
      p.forEach(function (cell) { tr.appendChild(el("td", cell)); });
      return tr;
    });
    fillRows(table.tBodies[0], rows);
    table.closest("section").hidden = rows.length === 0;
  }

  function summaryList(dl, pairs) {
    var items = [];
    pairs.forEach(function (p) {
      items.push(el("dt", p[0]));
      var dd = el("dd");
      if (p[1] instanceof Node) dd.appendChild(p[1]); else dd.textContent = p[1];
      items.push(dd);
    });
    dl.replaceChildren.apply(dl, items);
  }

  // ------------------------------------------------------------ studies page
  function bestText(best) {
    if (!best) return "–";
    if (best.front !== undefined) return "front of " + best.front;
    return best.values.map(num).join(", ") + " (trial " + best.number + ")";
  }

  function studiesPage() {
    function poll() {
      getJSON("/api/studies").then(function (res) {
        setLive(true);
        if (!res.changed) return;
        var rows = res.data.studies.map(function (s) {
          var tr = el("tr");
          var name = el("td");
          name.appendChild(link("/study/" + Number(s.id), s.name));
          tr.appendChild(name);
          tr.appendChild(el("td", s.directions.join(", ")));
          tr.appendChild(el("td", s.n_trials));
          ["COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING"].forEach(function (k) {
            tr.appendChild(el("td", s.counts[k], s.counts[k] ? "state-" + k : ""));
          });
          tr.appendChild(el("td", s.loaded ? bestText(s.best) : "reading…"));
          tr.appendChild(el("td", s.loaded ? ago(s.last_activity) : "reading…"));
          tr.dataset.study = String(s.id);
          return tr;
        });
        fillRows($("studies").tBodies[0], rows);
        $("studies-empty").hidden = rows.length > 0;
        body.dataset.loaded = "true";
      }).catch(function (err) { setLive(false, err.message); }).then(function () { schedule(poll); });
    }
    poll();
  }

  // -------------------------------------------------------------- study page
  function studyPage() {
    var sid = Number(body.dataset.study);
    var base = "/api/study/" + sid;
    var query = { sort: "number", desc: "1", state: "", q: "", offset: 0, limit: 50 };
    var figures = (body.dataset.figures || "").split(" ").filter(Boolean);
    // The first figures are requested with the first summary, not after it.
    var early = refreshFigures(figures);
    early.catch(function () {});  // its failure is reported by the poll that awaits it

    function refreshFigures(names) {
      var fetched = names.map(function (n) { return getJSON(base + "/figure/" + n); });
      // Fetched together, drawn in page order: the first figure paints first.
      var chain = Promise.resolve();
      fetched.forEach(function (p, i) {
        chain = chain.then(function () { return p; }).then(function (res) {
          if (res.changed) return draw($("figure-" + names[i]), res.data.figure);
        });
      });
      return chain;
    }

    function renderSummary(s) {
      var states = ["COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING"].map(function (k) {
        return s.counts[k] + " " + k.toLowerCase();
      }).join(", ");
      var best = el("span", bestText(s.best));
      if (s.best && s.best.number !== undefined) {
        best = link("/study/" + sid + "/trial/" + Number(s.best.number), bestText(s.best));
      }
      summaryList($("summary"), [
        ["objectives", s.objective_names.map(function (n, i) {
          return n + " (" + s.directions[i] + ")";
        }).join(", ")],
        ["trials", s.n_trials + ": " + states],
        ["best", best],
        ["last activity", ago(s.last_activity)],
      ]);
      $("summary").dataset.version = String(s.version);
      $("summary").dataset.nTrials = String(s.n_trials);
    }

    function renderRunning(s) {
      var rows = s.running.map(function (r) {
        var tr = el("tr");
        var n = el("td");
        n.appendChild(link("/study/" + sid + "/trial/" + Number(r.number), r.number));
        tr.appendChild(n);
        tr.appendChild(el("td", ago(r.started_at)));
        tr.appendChild(el("td", ago(r.heartbeat_at)));
        tr.appendChild(el("td", r.last_step === null ? "–" : r.last_step));
        tr.appendChild(el("td", num(r.last_value)));
        tr.appendChild(el("td", Object.keys(r.params).map(function (k) {
          return k + "=" + r.params[k];
        }).join(", ")));
        return tr;
      });
      fillRows($("running").tBodies[0], rows);
      $("running").hidden = rows.length === 0;
      $("running-empty").hidden = rows.length > 0;
    }

    function renderImportance(s) {
      var imp = s.importance;
      var text = imp.message || "";
      if (imp.computed_at) {
        text = "Computed at " + clock(imp.computed_at) + " (" + ago(imp.computed_at) + ") on "
          + imp.n_complete + " completed trials (" + imp.method + ")."
          + (imp.message ? " Last attempt: " + imp.message : "");
      }
      if (imp.running) text += (text ? " " : "") + "Recomputing in the background…";
      $("importance-status").textContent = text || "Not computed yet.";
    }

    function renderStop(s) {
      var req = s.stop_request;
      var shown = $("stop-requested");
      shown.hidden = !req;
      if (req) {
        shown.textContent = "Stop requested at " + clock(req.requested_at) + (req.by ? " by " + req.by : "")
          + ": runs that started before it start no new trial; running trials finish.";
      }
      $("stop").hidden = !s.writes;
    }

    function renderTrials(data) {
      var table = $("trials");
      var cols = [["number", "trial"], ["state", "state"]];
      data.objective_names.forEach(function (n, i) { cols.push([i === 0 ? "value" : null, n]); });
      cols.push(["duration", "duration"], ["started", "started"]);
      data.params.forEach(function (p) { cols.push(["param:" + p, p]); });
      cols.push([null, "note"]);
      var head = el("tr");
      cols.forEach(function (c) {
        var th = el("th", c[1] + (c[0] && c[0] === query.sort ? (query.desc === "1" ? " ▼" : " ▲") : ""));
        if (c[0]) {
          th.dataset.sort = c[0];
          if (c[0] === query.sort) th.className = "sorted";
        }
        head.appendChild(th);
      });
      table.tHead.replaceChildren(head);
      var rows = data.rows.map(function (r) {
        var tr = el("tr");
        var n = el("td");
        n.appendChild(link("/study/" + sid + "/trial/" + Number(r.number), r.number));
        tr.appendChild(n);
        tr.appendChild(el("td", r.state, "state-" + r.state));
        data.objective_names.forEach(function (_, i) {
          tr.appendChild(el("td", r.values ? num(r.values[i]) : "–"));
        });
        tr.appendChild(el("td", duration(r.duration_s)));
        tr.appendChild(el("td", clock(r.started_at)));
        data.params.forEach(function (p) {
          tr.appendChild(el("td", r.params[p] === undefined ? "–" : r.params[p]));
        });
        tr.appendChild(el("td", r.note));
        return tr;
      });
      fillRows(table.tBodies[0], rows);
      var last = Math.min(data.offset + data.limit, data.total);
      $("trials-range").textContent = data.total ? (data.offset + 1) + "–" + last + " of " + data.total : "no trial";
      $("trials-prev").disabled = data.offset === 0;
      $("trials-next").disabled = last >= data.total;
    }

    function refreshTrials() {
      var params = new URLSearchParams(query);
      return getJSON(base + "/trials?" + params.toString()).then(function (res) {
        if (res.changed) renderTrials(res.data);
      });
    }

    function poll() {
      getJSON(base).then(function (res) {
        setLive(true);
        if (!res.changed) return;
        var s = res.data;
        renderSummary(s);
        renderRunning(s);
        renderImportance(s);
        renderStop(s);
        var drawn = early || refreshFigures(figures);
        early = null;
        return Promise.all([drawn, refreshTrials()]).then(function () {
          body.dataset.version = String(s.version);
        });
      }).catch(function (err) { setLive(false, err.message); }).then(function () { schedule(poll); });
    }

    $("trials").tHead.addEventListener("click", function (e) {
      var key = e.target.dataset && e.target.dataset.sort;
      if (!key) return;
      query.desc = query.sort === key && query.desc === "0" ? "1" : "0";
      query.sort = key;
      query.offset = 0;
      refreshTrials();
    });
    $("trials-state").addEventListener("change", function (e) {
      query.state = e.target.value;
      query.offset = 0;
      refreshTrials();
    });
    var typing = null;
    $("trials-filter").addEventListener("input", function (e) {
      clearTimeout(typing);
      typing = setTimeout(function () {
        query.q = e.target.value;
        query.offset = 0;
        refreshTrials();
      }, 300);
    });
    $("trials-prev").addEventListener("click", function () {
      query.offset = Math.max(0, query.offset - query.limit);
      refreshTrials();
    });
    $("trials-next").addEventListener("click", function () {
      query.offset += query.limit;
      refreshTrials();
    });
    $("stop-button").addEventListener("click", function () {
      if (!window.confirm("Ask every run of this study to start no new trial?")) return;
      post(base + "/stop", {}).then(function () {
        $("stop-status").textContent = "Stop requested.";
      }).catch(function (err) { $("stop-status").textContent = "Refused: " + err.message; });
    });
    poll();
  }

  // -------------------------------------------------------------- trial page
  function trialPage() {
    var sid = Number(body.dataset.study);
    var number = Number(body.dataset.trial);
    var base = "/api/study/" + sid + "/trial/" + number;

    function render(t) {
      summaryList($("summary"), [
        ["state", t.state],
        ["started", clock(t.started_at)],
        ["finished", clock(t.completed_at)],
        ["duration", duration(t.duration_s)],
        ["last activity", ago(t.last_activity)],
      ]);
      kvRows($("values"), t.values ? t.objective_names.map(function (n, i) {
        return [n, num(t.values[i])];
      }) : []);
      kvRows($("params"), t.params);
      kvRows($("user-attrs"), t.user_attrs);
      kvRows($("environment"), t.environment);
      kvRows($("system-attrs"), t.system_attrs);
      $("section-failure").hidden = !t.fail_reason && !t.traceback;
      $("fail-reason").textContent = t.fail_reason || "";
      $("traceback").textContent = t.traceback || "";
      $("intermediate-empty").hidden = t.intermediate.length > 0;
      $("note-text").textContent = t.note ? t.note.text + " (" + ago(t.note.written_at) + ")" : "No note.";
      $("note-form").hidden = !t.writes;
      body.dataset.loaded = "true";
    }

    function poll() {
      getJSON(base).then(function (res) {
        setLive(true);
        if (res.changed) render(res.data);
        return getJSON(base + "/figure").then(function (f) {
          if (f.changed) return draw($("figure-trial_curve"), f.data.figure);
        });
      }).catch(function (err) { setLive(false, err.message); }).then(function () { schedule(poll); });
    }

    $("note-form").addEventListener("submit", function (e) {
      e.preventDefault();
      post(base + "/note", { text: $("note-input").value }).then(function () {
        $("note-status").textContent = "Saved.";
      }).catch(function (err) { $("note-status").textContent = "Refused: " + err.message; });
    });
    poll();
  }

  if (page === "studies") studiesPage();
  else if (page === "study") studyPage();
  else if (page === "trial") trialPage();
})();
