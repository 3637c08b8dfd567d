/* 一张图: draws the dashboard's charts (ECharts, vendored) from the JSON the page puts in the json_script tag that
   each chart's data-source names; data-chart says which part of it and how. No inline script: the CSP allows only
   'self'. Every bar, slice and point carries the URL of the list it counts: clicking it opens that list. The
   period selector submits itself on change. */
(function () {
  "use strict";

  var COLORS = { closed: "#198754", open: "#0d6efd", overdue: "#dc3545", found: "#fd7e14", rate: "#6f42c1" };
  var STATUS_COLORS = ["#ffc107", "#0d6efd", "#0dcaf0", "#198754"];

  function percent(v) { return v === null || v === undefined ? "—" : v + "%"; }

  function follow(params) {
    var url = params.data && params.data.url;
    if (url) { window.location.href = url; }
  }

  function statusChart(data) {
    return {
      color: STATUS_COLORS,
      tooltip: { trigger: "item", formatter: "{b}：{c} 项（{d}%）" },
      legend: { bottom: 0, icon: "circle", itemWidth: 10, itemHeight: 10 },
      series: [{
        type: "pie", radius: ["42%", "70%"], center: ["50%", "45%"], avoidLabelOverlap: true,
        label: { formatter: "{b}\n{c}" }, cursor: "pointer",
        data: data.status.map(function (s) { return { name: s.name, value: s.value, url: s.url }; })
      }]
    };
  }

  // sectors (horizontal) and regions (vertical): closed + open stacked, overdue beside, the rate as a line
  function groupChart(part, horizontal, element) {
    var category = { type: "category", data: part.categories,
      axisLabel: horizontal ? { width: Math.min(120, Math.round(element.clientWidth * 0.3)), overflow: "truncate" }
        : { interval: 0, rotate: part.categories.length > 6 ? 30 : 0 } };
    var value = { type: "value", minInterval: 1 };
    var series = [
      { name: "已销号", type: "bar", stack: "found", data: part.series[0].data, itemStyle: { color: COLORS.closed },
        barMaxWidth: 26, cursor: "pointer" },
      { name: "未整改", type: "bar", stack: "found", data: part.series[1].data, itemStyle: { color: COLORS.open },
        barMaxWidth: 26, cursor: "pointer" },
      { name: "逾期未整改", type: "bar", data: part.overdue, itemStyle: { color: COLORS.overdue }, barMaxWidth: 14,
        cursor: "pointer" }
    ];
    var option = {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (items) {
        var i = items[0].dataIndex;
        var lines = [items[0].name];
        items.forEach(function (p) { lines.push(p.marker + p.seriesName + "：" + p.value); });
        lines.push("整改率：" + percent(part.rates[i]));
        return lines.join("<br>");
      } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: series
    };
    if (horizontal) {
      option.yAxis.inverse = true;
      element.style.height = Math.max(220, 70 + part.categories.length * 34) + "px";
    }
    return option;
  }

  function trendChart(data) {
    var t = data.trend;
    return {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v; } },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: t.categories },
      yAxis: [
        { type: "value", name: "项", minInterval: 1 },
        { type: "value", name: "累计整改率", min: 0, max: 100, axisLabel: { formatter: "{value}%" },
          splitLine: { show: false } }
      ],
      series: [
        { name: "新发现", type: "bar", data: t.found, itemStyle: { color: COLORS.found }, barMaxWidth: 24,
          cursor: "pointer" },
        { name: "当月销号", type: "bar", data: t.closed, itemStyle: { color: COLORS.closed }, barMaxWidth: 24,
          cursor: "pointer" },
        { name: "累计整改率", type: "line", yAxisIndex: 1, data: t.rates, smooth: true, connectNulls: true,
          itemStyle: { color: COLORS.rate }, tooltip: { valueFormatter: percent } }
      ]
    };
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.source);
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var kind = element.dataset.chart;
    var option;
    if (kind === "status") { option = statusChart(data); }
    else if (kind === "sectors") { option = groupChart(data.sectors, true, element); }
    else if (kind === "regions") { option = groupChart(data.regions, false, element); }
    else if (kind === "trend") { option = trendChart(data); }
    if (!option) { return; }
    option.animation = false;
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    chart.on("click", follow);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    document.querySelectorAll(".dash-chart[data-source]").forEach(draw);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
