// The public figures' bar charts, drawn with Apache ECharts from the JSON data block
// #figures-charts. The same numbers are in the page's tables; without JavaScript the tables
// are the whole page.
(function () {
  "use strict";
  var COLOURS = ["#174a8b", "#6b9bd1", "#b0161b", "#f2a900"];

  function draw(id, block) {
    var element = document.getElementById(id);
    if (!element || !block || !window.echarts || !block.labels.length) { return null; }
    var chart = window.echarts.init(element);
    var category = { type: "category", data: block.labels, axisLabel: { interval: 0, width: 150, overflow: "break" } };
    var value = { type: "value", minInterval: 1 };
    chart.setOption({
      color: COLOURS,
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, show: block.series.length > 1 },
      grid: { left: 8, right: 24, top: block.series.length > 1 ? 40 : 12, bottom: 8, containLabel: true },
      xAxis: block.horizontal ? value : category,
      yAxis: block.horizontal ? Object.assign({ inverse: true }, category) : value,
      series: block.series.map(function (s) {
        return { name: s.name, type: "bar", stack: block.stack ? "total" : undefined,
                 data: s.data, cursor: "pointer" };
      })
    });
    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.assign(params.data.url); }
    });
    return chart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("figures-charts");
    if (!source) { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (e) { return; }
    var charts = [draw("chart-batches", data.batches), draw("chart-classes", data.classes),
                  draw("chart-models", data.models)];
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { if (c) { c.resize(); } });
    });
  });
})();
