/* ictfootprint dashboard: draws each chart from the JSON spec the page carries, with the
   ECharts library and the world geometry this server ships (nothing from another host).
   Every chart has its data table beside it; without script the table is all there is. */
(function () {
  "use strict";
  var PALETTE = ["#0a4f96", "#b35900", "#1e6b34", "#6a3d9a", "#a4161a"];
  var MAP_COLOURS = ["#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b"];
  var geometry = null;

  function numberFormat(lang, value) {
    var size = Math.abs(value);
    var digits = size >= 100 ? 1 : size >= 1 ? 2 : size >= 0.001 ? 4 : 6;
    return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(value);
  }

  function axisFormat(lang) {
    var format = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 2 });
    return function (value) { return format.format(value); };
  }

  function base(spec) {
    return {
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: "system-ui, 'Noto Sans', 'Noto Sans Arabic', 'Noto Sans CJK SC', sans-serif", color: "#1b1b1b" },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "–" : numberFormat(spec.lang, v) + " " + spec.unit; } },
      legend: { top: 0, textStyle: { color: "#1b1b1b" } },
      grid: { left: 16, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.x, axisLabel: { color: "#1b1b1b" } },
      yAxis: { type: "value", name: spec.unit, nameTextStyle: { color: "#1b1b1b" }, axisLabel: { color: "#1b1b1b", formatter: axisFormat(spec.lang) } }
    };
  }

  function line(spec) {
    var option = base(spec);
    option.series = spec.series.map(function (s) {
      return { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 7,
               lineStyle: { width: 3, type: s.dashed ? "dashed" : "solid" } };
    });
    return option;
  }

  function bar(spec) {
    var option = base(spec);
    option.series = spec.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "total", data: s.data, barMaxWidth: 60 };
    });
    return option;
  }

  function map(spec) {
    var values = spec.values.filter(function (v) { return v != null; });
    var data = spec.data.map(function (id, i) {
      return { name: id, value: spec.values[i], label: spec.names[i], link: spec.links[i] };
    });
    return {
      animation: false,
      textStyle: { fontFamily: "system-ui, 'Noto Sans', sans-serif", color: "#1b1b1b" },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          if (!p.data) { return spec.nodata; }
          return p.data.label + ": " + numberFormat(spec.lang, p.data.value) + " " + spec.unit;
        }
      },
      visualMap: {
        type: "continuous", min: 0, max: Math.max.apply(null, values.concat([0])) || 1,
        inRange: { color: MAP_COLOURS }, left: 8, bottom: 8, calculable: false,
        text: [numberFormat(spec.lang, Math.max.apply(null, values.concat([0]))) + " " + spec.unit, "0"],
        textStyle: { color: "#1b1b1b" }
      },
      series: [{
        type: "map", map: "world", roam: false, data: data,
        itemStyle: { areaColor: "#eceff3", borderColor: "#5c6670", borderWidth: 0.5 },
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#ffbf47" } },
        select: { disabled: true }
      }]
    };
  }

  /* Natural Earth cuts Russia and Fiji at the antimeridian, but a ring can still hop from
     +180 to -180; ECharts (no spherical clipping) would draw that hop across the world. Each
     such ring keeps the side most of its points are on. */
  function unwrap(geometry) {
    if (!geometry) { return; }
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] :
      geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    polygons.forEach(function (polygon) {
      polygon.forEach(function (ring) {
        var jumps = false;
        for (var i = 1; i < ring.length; i++) {
          if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) { jumps = true; break; }
        }
        if (!jumps) { return; }
        var east = ring.filter(function (p) { return p[0] > 0; }).length * 2 >= ring.length;
        ring.forEach(function (p) {
          if (east && p[0] < 0) { p[0] = 180; }
          if (!east && p[0] > 0) { p[0] = -180; }
        });
      });
    });
  }

  function loadGeometry(url) {
    if (!geometry) {
      geometry = fetch(url, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error("world geometry: " + r.status); } return r.json(); })
        .then(function (world) {
          var shapes = topojson.feature(world, world.objects.countries);
          shapes.features = shapes.features.filter(function (f) { return f.id !== "010"; }); // Antarctica
          shapes.features.forEach(function (f, i) {
            f.properties = { name: f.id || "none-" + i };
            unwrap(f.geometry);
          });
          echarts.registerMap("world", shapes);
        });
    }
    return geometry;
  }

  function draw(figure) {
    var spec = JSON.parse(figure.querySelector(".chart-spec").textContent);
    var canvas = figure.querySelector(".chart-canvas");
    if (typeof echarts === "undefined") {
      figure.querySelector("details").open = true;
      canvas.hidden = true;
      return;
    }
    var start = function () {
      var chart = echarts.init(canvas, null, { renderer: "svg" });
      var builders = { line: line, bar: bar, map: map };
      chart.setOption(builders[spec.type](spec));
      if (spec.type === "map") {
        chart.on("click", function (p) { if (p.data && p.data.link) { window.location.href = p.data.link; } });
      }
      window.addEventListener("resize", function () { chart.resize(); });
    };
    if (spec.type === "map") {
      canvas.classList.add("map");
      loadGeometry(spec.geo).then(start);
    } else {
      start();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("figure.chart"), draw);
  });
})();
