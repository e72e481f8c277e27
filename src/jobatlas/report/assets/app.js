// report.html's script: draws the Vega-Lite charts and recomputes the baseline composite
// score when a weight slider moves. The composite mirrors jobatlas.indicators.rank
// (winsorise, normalise, fold, weighted mean over the available inputs) step by step.
// Every string is set with textContent: nothing from the data is parsed as HTML.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("jobatlas-data").textContent);
  const model = data.model;

  function quantile(sorted, q) {
    // sorted: the known values, ascending (numpy's linear interpolation).
    const pos = q * Math.max(sorted.length - 1, 0);
    const lo = Math.floor(pos), hi = Math.ceil(pos), frac = pos - lo;
    return sorted[lo] * (1 - frac) + sorted[hi] * frac;
  }

  function knownSorted(col) {
    return col.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  }

  function winsorise(col, share) {
    if (share <= 0 || col.length < 3) return col;
    const s = knownSorted(col);
    if (s.length === 0) return col;
    const lo = quantile(s, share), hi = quantile(s, 1 - share);
    return col.map((v) => (Number.isNaN(v) ? v : Math.min(Math.max(v, lo), hi)));
  }

  function averageRanks(col) {
    const idx = col.map((v, i) => i).filter((i) => !Number.isNaN(col[i]));
    idx.sort((a, b) => col[a] - col[b] || a - b);
    const ranks = col.map(() => NaN);
    let start = 0;
    while (start < idx.length) {
      let end = start;
      while (end + 1 < idx.length && col[idx[end + 1]] === col[idx[start]]) end += 1;
      for (let k = start; k <= end; k += 1) ranks[idx[k]] = (start + end) / 2;
      start = end + 1;
    }
    return ranks;
  }

  function normalise(col, method) {
    const s = knownSorted(col);
    if (method === "minmax") {
      const lo = s.length ? s[0] : 0, hi = s.length ? s[s.length - 1] : 0;
      const span = hi - lo;
      return col.map((v) => (Number.isNaN(v) ? NaN : span > 0 ? (100 * (v - lo)) / span : 50));
    }
    if (method === "zscore") {
      const n = s.length;
      const mean = n ? s.reduce((a, b) => a + b, 0) / n : 0;
      const sd = n ? Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / n) : 0;
      return col.map((v) => (Number.isNaN(v) ? NaN : sd > 0 ? (v - mean) / sd : 0));
    }
    const ranks = averageRanks(col), valid = s.length;
    return col.map((v, i) => (Number.isNaN(v) ? NaN : valid > 1 ? (100 * ranks[i]) / (valid - 1) : 50));
  }

  function column(k) {
    return model.values.map((row) => (row[k] === null ? NaN : row[k] * model.directions[k]));
  }

  // [metros][inputs]: each input normalised (a fold: the mean of its known members).
  function normalisedInputs() {
    const normal = {};
    for (const input of model.inputs) {
      for (const k of input.members) {
        if (!(k in normal)) normal[k] = normalise(winsorise(column(k), model.winsor), model.normalisation);
      }
    }
    return model.values.map((row, m) =>
      model.inputs.map((input) => {
        const known = input.members.map((k) => normal[k][m]).filter((v) => !Number.isNaN(v));
        return known.length ? known.reduce((a, b) => a + b, 0) / known.length : NaN;
      })
    );
  }

  function scores(weights) {
    let terms = normalisedInputs();
    if (model.aggregation === "geometric") {
      const mins = model.inputs.map((_, i) => {
        const s = knownSorted(terms.map((row) => row[i]));
        return s.length ? s[0] : 0;
      });
      terms = terms.map((row) => row.map((v, i) => Math.log(v - mins[i] + 1)));
    }
    return terms.map((row) => {
      let total = 0, weight = 0;
      row.forEach((v, i) => {
        if (!Number.isNaN(v)) {
          total += v * weights[i];
          weight += weights[i];
        }
      });
      const mean = total / weight;
      return model.aggregation === "geometric" ? Math.exp(mean) : mean;
    });
  }

  const sliders = model.inputs.map((input) => document.getElementById("weight-" + input.name));
  const body = document.querySelector("#ranking tbody");
  const rows = new Map(Array.from(body.rows).map((row) => [row.dataset.metro, row]));
  const status = document.getElementById("weights-status");

  function currentWeights() {
    return sliders.map((s) => Number(s.value));
  }

  function showShares(weights) {
    const sum = weights.reduce((a, b) => a + b, 0);
    sliders.forEach((s, i) => {
      const out = document.getElementById("share-" + model.inputs[i].name);
      out.textContent = sum > 0 ? (100 * weights[i] / sum).toFixed(1) + "%" : "0%";
    });
    return sum;
  }

  function reorder(order, values) {
    order.forEach((m, place) => {
      const row = rows.get(model.metros[m]);
      row.querySelector(".place").textContent = String(place + 1);
      row.querySelector(".live").textContent = Number.isNaN(values[m]) ? "n/a" : values[m].toFixed(1);
      body.appendChild(row);
    });
  }

  function update() {
    const weights = currentWeights();
    if (showShares(weights) <= 0) {
      status.textContent = "Give at least one indicator some weight.";
      return;
    }
    const values = scores(weights);
    const order = values.map((v, m) => m);
    order.sort((a, b) => {
      const x = Number.isNaN(values[a]) ? -Infinity : values[a];
      const y = Number.isNaN(values[b]) ? -Infinity : values[b];
      return y - x || a - b;
    });
    reorder(order, values);
    body.dataset.order = "weights";
    status.textContent = "Listed by the baseline score at your weights. The rank intervals and tiers stay those of the Monte Carlo at the profile's weights.";
  }

  function reset() {
    sliders.forEach((s, i) => { s.value = String(model.inputs[i].weight_pct); });
    showShares(currentWeights());
    reorder(model.metros.map((_, m) => m), scores(currentWeights()));
    body.dataset.order = "profile";
    status.textContent = "Listed as in ranking.json: by median rank over the Monte Carlo draws.";
  }

  sliders.forEach((s) => s.addEventListener("input", update));
  document.getElementById("weights-reset").addEventListener("click", reset);
  reset();

  const started = performance.now();
  const charts = Array.from(document.querySelectorAll("[data-chart]")).map((el) =>
    vegaEmbed(el, data.charts[el.dataset.chart], { renderer: "svg", actions: false, ast: true })
  );
  Promise.all(charts).then(
    () => { document.documentElement.dataset.rendered = String(Math.round(performance.now() - started)); },
    (error) => { console.error("jobatlas: a chart failed to render:", error); }
  );
})();
