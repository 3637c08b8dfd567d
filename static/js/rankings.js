/* 排名通报: draws each ranking's bar chart (ECharts, vendored) from the JSON that the page puts in a
   json_script tag named by the chart's data-source. No inline script: the CSP allows only 'self'. */
(function () {
  "use strict";

  function draw(element) {
    var source = document.getElementById(element.dataset.source);
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (!data || !data.names || !data.names.length) { return; }
    var names = data.names.slice().reverse();
    // a target without a figure (no major hazard found: no rate) is drawn as an empty bar with a word
    var values = data.values.slice().reverse().map(function (v) {
      return v === null ? { value: 0, label: { formatter: "无重大隐患", color: "#6c757d" } } : v;
    });
    var ranks = data.ranks.slice().reverse();
    element.style.height = Math.max(220, 44 + names.length * 34) + "px";
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 48, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
        valueFormatter: function (v) { return v + (data.unit === "%" ? "%" : " " + data.unit); } },
      xAxis: { type: "value", max: data.unit === "%" ? 100 : null, minInterval: data.unit === "%" ? 0 : 1,
        axisLabel: { formatter: function (v) { return data.unit === "%" ? v + "%" : v; } } },
      yAxis: { type: "category", data: names.map(function (n, i) { return ranks[i] + ". " + n; }),
        axisLabel: { width: Math.min(140, Math.round(element.clientWidth * 0.36)), overflow: "truncate" } },
      series: [{ type: "bar", data: values, barMaxWidth: 22, itemStyle: { color: "#0d6efd" },
        label: { show: true, position: "right", formatter: function (p) {
          return p.value + (data.unit === "%" ? "%" : ""); } } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    document.querySelectorAll(".ranking-chart[data-source]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
