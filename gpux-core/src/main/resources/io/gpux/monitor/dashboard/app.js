// The GPUX dashboard: reads the JSON of the history (api/...) and draws it with uPlot. No build
// step and no request leaves the server it came from.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const state = {
    model: params.get("model") || "",
    version: params.get("version") || "",
    range: params.get("range") || "1h",
  };
  const charts = {};
  const root = document.documentElement;
  if ((localStorage.getItem("gpux-theme") || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light")) === "dark") {
    root.classList.add("dark");
  }
  $("theme").onclick = () => {
    root.classList.toggle("dark");
    localStorage.setItem("gpux-theme", root.classList.contains("dark") ? "dark" : "light");
  };
  $("range").value = state.range;

  function query(extra) {
    const q = new URLSearchParams({ range: state.range });
    for (const [k, v] of Object.entries(extra || {})) if (v) q.set(k, v);
    return q.toString();
  }

  async function get(path, extra) {
    const r = await fetch(path + "?" + query(extra));
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || r.status);
    return body;
  }

  function showError(e) {
    $("error").hidden = !e;
    $("error").textContent = e ? String(e.message || e) : "";
  }

  function setUrl() {
    const q = new URLSearchParams();
    if (state.model) q.set("model", state.model);
    if (state.version) q.set("version", state.version);
    if (state.range !== "1h") q.set("range", state.range);
    history.replaceState(null, "", location.pathname + (q.toString() ? "?" + q : ""));
  }

  function num(v, digits) {
    return v === null || v === undefined ? "–" : Number(v).toFixed(digits);
  }

  function cell(tr, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }

  function options(select, values, current) {
    const keep = select.options[0];
    select.replaceChildren(keep);
    for (const v of values) {
      const o = document.createElement("option");
      o.value = o.textContent = v;
      select.appendChild(o);
    }
    select.value = values.includes(current) ? current : "";
  }

  function renderInsights(list) {
    const ul = $("insights");
    ul.replaceChildren();
    if (!list.length) {
      const li = document.createElement("li");
      li.className = "quiet";
      li.textContent = "Nothing to act on: every rule is quiet.";
      ul.appendChild(li);
    }
    for (const i of list) {
      const li = document.createElement("li");
      li.className = i.severity;
      li.dataset.rule = i.rule;
      const title = document.createElement("strong");
      title.textContent = "[" + i.rule + "] " + (i.model ? i.model + ": " : "") + i.title;
      li.appendChild(title);
      const ev = document.createElement("div");
      ev.className = "quiet";
      ev.textContent = i.evidence.join("; ");
      li.appendChild(ev);
      const act = document.createElement("div");
      act.append("do: ");
      const code = document.createElement("code");
      code.textContent = i.action;
      act.appendChild(code);
      li.appendChild(act);
      if (i.from && i.model) {
        const a = document.createElement("a");
        a.href = "?model=" + encodeURIComponent(i.model) + "&range=" + (Date.now() - Date.parse(i.from) > 6 * 3600e3 ? "24h" : "1h");
        a.textContent = "see the evidence";
        a.className = "evidence";
        a.onclick = (e) => { e.preventDefault(); state.model = i.model; state.version = ""; refresh(); };
        act.append(" · ");
        act.appendChild(a);
      }
      ul.appendChild(li);
    }
  }

  function renderModels(o) {
    const tbody = $("models").tBodies[0];
    tbody.replaceChildren();
    for (const m of o.models) {
      if (state.model && m.model !== state.model) continue;
      if (state.version && m.version !== state.version) continue;
      const tr = document.createElement("tr");
      tr.dataset.model = m.model;
      tr.dataset.version = m.version;
      cell(tr, m.model);
      cell(tr, m.version);
      cell(tr, m.provider || "");
      cell(tr, m.requests, "num requests");
      cell(tr, num(m.requestsPerSecond, 1), "num");
      cell(tr, m.errors, "num");
      cell(tr, num(m.p50Ms, 2), "num");
      cell(tr, num(m.p99Ms, 2), "num");
      cell(tr, num(m.rssBytes / 1048576, 0) + " MiB", "num");
      cell(tr, new Date(m.lastSeen).toLocaleTimeString());
      tbody.appendChild(tr);
    }
    $("rows").textContent = o.rows + " rows in the history" + (o.live ? "; recording now" : "");
  }

  function chart(id, series, data) {
    const el = $(id);
    const width = Math.max(300, el.clientWidth || 440);
    const opts = {
      width, height: 200,
      series: [{}].concat(series.map((s, k) => ({ label: s, stroke: ["#1f77b4", "#ff7f0e", "#d62728", "#2ca02c"][k % 4], spanGaps: true }))),
      axes: [{ stroke: getComputedStyle(root).getPropertyValue("--muted") }, { stroke: getComputedStyle(root).getPropertyValue("--muted") }],
    };
    if (charts[id]) charts[id].destroy();
    el.replaceChildren();
    charts[id] = new uPlot(opts, data, el);
    el.dataset.points = String(data[0].length);
  }

  function renderSeries(s) {
    const p = s.points;
    const col = (f) => p.map((x) => (x[f] === null ? null : x[f]));
    const t = col("t");
    $("charts").hidden = false;
    $("charts-title").textContent = s.model + (state.version ? " " + state.version : "") + " (" + p.length + " points)";
    chart("chart-latency", ["p50", "p95", "p99"], [t, col("p50"), col("p95"), col("p99")]);
    chart("chart-queue", ["queue", "compute"], [t, col("queueMs"), col("computeMs")]);
    chart("chart-rps", ["requests/s"], [t, col("rps")]);
    chart("chart-batch", ["rows per run"], [t, col("batch")]);
    chart("chart-errors", ["bad input", "model", "overload"], [t, col("badInput"), col("modelErrors"), col("overload")]);
    chart("chart-memory", ["resident MiB"], [t, p.map((x) => x.rssBytes / 1048576)]);
    window.gpuxSeries = s; // what the browser test compares with /metrics
  }

  function renderBenchmarks(rows) {
    const tbody = $("benchmarks").tBodies[0];
    tbody.replaceChildren();
    for (const b of rows.slice(-50).reverse()) {
      if (state.model && b.model !== state.model) continue;
      const tr = document.createElement("tr");
      cell(tr, new Date(b.measuredAt).toLocaleString());
      cell(tr, b.model);
      cell(tr, b.provider);
      cell(tr, b.batchSize, "num");
      cell(tr, num(b.meanMs, 3), "num");
      cell(tr, num(b.p99Ms, 3), "num");
      cell(tr, num(b.throughputPerSecond * b.batchSize, 0), "num");
      cell(tr, b.cpuModel ? b.cpuModel + " × " + b.cores : "–");
      cell(tr, b.ortVersion || "–");
      tbody.appendChild(tr);
    }
  }

  async function refresh() {
    setUrl();
    try {
      const o = await get("api/overview");
      const names = [...new Set(o.models.map((m) => m.model))].sort();
      options($("model"), names, state.model);
      const versions = [...new Set(o.models.filter((m) => !state.model || m.model === state.model).map((m) => m.version))];
      options($("version"), versions, state.version);
      renderModels(o);
      renderInsights(o.insights);
      if (state.model) {
        renderSeries(await get("api/series", { model: state.model, version: state.version }));
      } else {
        $("charts").hidden = true;
      }
      renderBenchmarks(await get("api/benchmarks"));
      showError(null);
      document.body.dataset.loaded = String(Date.now());
    } catch (e) {
      showError(e);
      document.body.dataset.loaded = String(Date.now());
    }
  }

  $("model").onchange = (e) => { state.model = e.target.value; state.version = ""; refresh(); };
  $("version").onchange = (e) => { state.version = e.target.value; refresh(); };
  $("range").onchange = (e) => { state.range = e.target.value; refresh(); };

  refresh();
  // Live updates: the server announces each new sample; the stream ends after each and the
  // browser reconnects (its retry), so a refresh follows every interval.
  const events = new EventSource("events");
  let last = null;
  events.addEventListener("sample", (e) => {
    const d = JSON.parse(e.data);
    $("live").textContent = d.live ? "● live" : "";
    if (d.newest !== last) {
      last = d.newest;
      refresh();
    }
  });
})();
