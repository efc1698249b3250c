// The portal's charts: data from the page's json_script (the same figures as its tables), Chart.js vendored.
(function () {
  var node = document.getElementById("portal-data");
  if (!node || !window.Chart) { return; }
  var data = JSON.parse(node.textContent);
  var colours = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#0891b2", "#dc2626"];
  var labels = data.months.map(function (m) { return "M" + (m + 1); });
  var sets = data.curves.map(function (c, i) {
    return { label: c.label, data: c.values.map(Number), borderColor: colours[i % colours.length], fill: false, tension: 0.2 };
  });
  sets.push({ label: data.average_label, data: data.average.map(function (v) { return v === null ? null : Number(v); }),
              borderColor: "#64748b", borderDash: [6, 4], fill: false });
  new Chart(document.getElementById("chart-curve"), {
    type: "line", data: { labels: labels, datasets: sets },
    options: { animation: false, scales: { y: { min: 0, ticks: { callback: function (v) { return v + "%"; } } } } }
  });
  new Chart(document.getElementById("chart-phases"), {
    type: "doughnut",
    data: { labels: data.phases.labels, datasets: [{ data: data.phases.values, backgroundColor: colours }] },
    options: { animation: false }
  });
})();
