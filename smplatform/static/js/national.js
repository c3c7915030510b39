// The national dashboard's charts, drawn with Apache ECharts from the JSON data block
// #national-charts. The same figures are in the page's tables; without JavaScript (or
// without ECharts) the tables are the whole dashboard.
(function () {
  "use strict";
  var COLOURS = ["#5470c6", "#91cc75", "#fac858"];

  function draw(id, block, rotate) {
    var element = document.getElementById(id);
    if (!element || !block || !window.echarts) { return null; }
    var chart = window.echarts.init(element);
    chart.setOption({
      color: COLOURS,
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: rotate ? 110 : 30 },
      xAxis: { type: "category", data: block.labels,
               axisLabel: { interval: 0, rotate: rotate || 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: block.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data };
      })
    });
    // Each bar opens the national list behind it.
    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.assign(params.data.url); }
    });
    return chart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("national-charts");
    if (!source) { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (e) { return; }
    var charts = [draw("chart-units", data.units, 60),
                  draw("chart-categories", data.categories, 0)];
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { if (c) { c.resize(); } });
    });
  });
})();
