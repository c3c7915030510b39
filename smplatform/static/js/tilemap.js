// Tile maps of the 37 provincial-level units (templates/_tile_map.html), drawn with Apache
// ECharts from each map's JSON data block: one square per unit at its grid place, coloured
// by the chosen figure (colours and legend computed by the server, rules/tile_map.py), each
// square a link to the list behind it. The figure selector redraws without a reload. The
// page's table carries the same figures; without JavaScript it is the map's replacement.
(function () {
  "use strict";

  function option(data, key) {
    var element = this;
    var tiles = data.tiles;
    return {
      animation: false,
      tooltip: {
        formatter: function (p) { return p.data.name + ": " + p.data.count; }
      },
      grid: { left: 4, right: 4, top: 4, bottom: 4 },
      xAxis: { type: "value", min: -0.5, max: data.columns - 0.5, show: false },
      yAxis: { type: "value", min: -0.5, max: data.rows - 0.5, show: false, inverse: true },
      series: [{
        type: "scatter",
        symbol: "roundRect",
        symbolSize: function () { return size(element, data); },
        cursor: "pointer",
        data: tiles.map(function (t) {
          return {
            value: [t.x, t.y], name: t.name, count: t.values[key], url: t.urls[key],
            itemStyle: { color: t.fill[key], borderColor: "#51545a", borderWidth: 1 },
            label: {
              show: true, color: t.text[key], fontSize: labelSize(element, data),
              formatter: t.short + "\n" + t.values[key], lineHeight: labelSize(element, data) + 2,
              width: size(element, data) - 4, overflow: "truncate"
            },
            emphasis: { itemStyle: { borderColor: "#f2a900", borderWidth: 3 } }
          };
        })
      }]
    };
  }

  function cell(element, data) {
    return Math.min(element.clientWidth / data.columns, element.clientHeight / data.rows);
  }

  function size(element, data) { return Math.max(10, cell(element, data) * 0.92); }

  function labelSize(element, data) {
    return Math.max(8, Math.min(13, Math.floor(cell(element, data) / 6)));
  }

  function setUp(root) {
    var id = root.getAttribute("data-tile-map");
    var source = document.getElementById(id + "-data");
    var element = document.getElementById(id + "-chart");
    var select = root.querySelector("[data-tile-map-select]");
    if (!source || !element || !window.echarts) { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (e) { return; }
    var chart = window.echarts.init(element);
    var key = select ? select.value : data.figures[0].key;

    function draw() { chart.setOption(option.call(element, data, key), true); }

    function showLegend() {
      root.querySelectorAll("[data-legend]").forEach(function (legend) {
        legend.hidden = legend.getAttribute("data-legend") !== key;
      });
    }

    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.assign(params.data.url); }
    });
    if (select) {
      select.addEventListener("change", function () {
        key = select.value;
        draw();
        showLegend();
        var url = new URL(window.location.href);
        url.searchParams.set("map", key);
        window.history.replaceState(null, "", url.toString());
      });
      var button = root.querySelector(".tile-map-form button[type=submit]");
      if (button) { button.hidden = true; }
    }
    draw();
    window.addEventListener("resize", function () { chart.resize(); draw(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-tile-map]").forEach(setUp);
  });
})();
