/* Dashboard charts (ECharts, vendored under static/vendor). The figures come from the page's
 * json_script; every chart's figures are also in a table on the page for screen readers. Clicking a
 * district on the map, or a bar, opens that node's dashboard. */
(function () {
  "use strict";
  // The display wall reloads itself (the figures change with each 5-minute incremental run); a
  // script rather than <meta refresh>, which would also reload the page under a reader's hands.
  var refresh = Number(document.body.getAttribute("data-refresh-seconds"));
  if (refresh > 0) { window.setTimeout(function () { window.location.reload(); }, refresh * 1000); }
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var dark = document.body.classList.contains("bigscreen");
  var theme = dark ? "dark" : null;
  var colours = { red: "#c62828", yellow: "#f2c14e", green: "#2e7d32" };
  var charts = [];

  function make(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var chart = window.echarts.init(el, theme, { renderer: "canvas" });
    chart.setOption({ backgroundColor: "transparent" });  // the panel's own colour shows through
    charts.push(chart);
    return chart;
  }

  var trend = make("chart-trend");
  if (trend) {
    trend.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, bottom: 30, top: 36 },
      xAxis: { type: "category", data: data.trend.map(function (p) { return p.month; }) },
      yAxis: { type: "value" },
      series: [
        { name: "活动", type: "line", smooth: true, data: data.trend.map(function (p) { return p.activities; }) },
        { name: "微心愿完成", type: "line", smooth: true, data: data.trend.map(function (p) { return p.wishes_fulfilled; }) },
        { name: "志愿服务时长", type: "bar", data: data.trend.map(function (p) { return p.service_hours; }) }
      ]
    });
  }

  var ryg = make("chart-ryg");
  if (ryg) {
    ryg.setOption({
      tooltip: { trigger: "item" },
      series: [{
        type: "pie", radius: ["40%", "70%"],
        data: data.colours.map(function (c) { return { name: c.label, value: c.n, itemStyle: { color: colours[c.colour] } }; })
      }]
    });
  }

  var byName = {};
  data.children.forEach(function (c) { byName[c.name] = c; });
  function open(name) { var c = byName[name]; if (c) { window.location.href = c.url; } }

  var rank = make("chart-rank");
  if (rank) {
    var top = data.children.slice(0, 10).reverse();
    rank.setOption({
      tooltip: {}, grid: { left: 100, right: 20, top: 10, bottom: 20 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: top.map(function (c) { return c.name; }) },
      series: [{ type: "bar", data: top.map(function (c) { return c.activities; }), itemStyle: { color: "#b71c1c" } }]
    });
    rank.on("click", function (e) { open(e.name); });
  }

  var map = data.map && window.echarts.getMap && window.echarts.getMap("宁波") ? make("chart-map") : null;
  if (map) {
    var max = Math.max.apply(null, data.children.map(function (c) { return c.activities; }).concat([1]));
    map.setOption({
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + (p.value || 0); } },
      visualMap: { min: 0, max: max, left: 0, bottom: 0, calculable: true, inRange: { color: ["#fbeeee", "#b71c1c"] } },
      series: [{
        type: "map", map: "宁波", roam: false, selectedMode: false,
        label: { show: true, fontSize: 11 },
        data: data.children.map(function (c) { return { name: c.name, value: c.activities }; })
      }]
    });
    map.on("click", function (e) { open(e.name); });
  }
  document.documentElement.setAttribute("data-charts", String(charts.length));
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
