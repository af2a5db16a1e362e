/* ictfootprint dashboard: draws each chart from the JSON spec the page carries, with the
   ECharts library and the world geometry this server ships (nothing from another host).
   Every chart has its data table beside it; without script the table is all there is (open,
   the chart's box hidden): once a chart is drawn, its box shows and its table folds.
   The chart library (1 MB) is loaded only on a page that has a chart.
   Right-to-left pages: time runs right to left as in the tables beside the charts (the x axis
   inverted, the value axis on the right), with whole numbers on the axis (see axisFormat);
   tooltips are right-to-left runs. The map keeps its geography. */
(function () {
  "use strict";
  var PALETTE = ["#0a4f96", "#b35900", "#1e6b34", "#6a3d9a", "#a4161a"];
  var RLM = "\u200f";
  var geometry = null;
  var self = document.currentScript;
  var version = self ? (self.src.split("?")[1] || "") : "";

  function rtl() { return document.documentElement.dir === "rtl"; }

  function isolated(text) { return rtl() ? RLM + text + RLM : text; }

  function numberFormat(lang, value) {
    var size = Math.abs(value);
    var digits = size >= 100 ? 1 : size >= 1 ? 2 : size >= 0.001 ? 4 : 6;
    return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(value);
  }

  /* Compact axis labels ("21K", "2.1万") except on right-to-left pages: the SVG text is laid
     out left to right whatever its marks, and "21 ألف" would read "thousand 21"; there the
     labels are whole numbers ("21,000"), which read the same in both directions. */
  function axisFormat(lang) {
    var options = rtl() ? { maximumFractionDigits: 2 } : { notation: "compact", maximumFractionDigits: 2 };
    var format = new Intl.NumberFormat(lang, options);
    return function (value) { return format.format(value); };
  }

  function loadScript(name) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = "/static/vendor/" + name + (version ? "?" + version : "");
      script.onload = resolve;
      script.onerror = function () { reject(new Error(name + " did not load")); };
      document.head.appendChild(script);
    });
  }

  function base(spec) {
    var right = rtl();
    return {
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: "system-ui, 'Noto Sans', 'Noto Sans Arabic', 'Noto Sans CJK SC', sans-serif", color: "#1b1b1b" },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "–" : numberFormat(spec.lang, v) + " " + spec.unit; } },
      // the legend below the plot, the unit above it: they never meet, even 390 px wide
      legend: { bottom: 0, textStyle: { color: "#1b1b1b" } },
      grid: { left: 12, right: 12, top: 36, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: spec.x, inverse: right, axisLabel: { color: "#1b1b1b", hideOverlap: true } },
      yAxis: { type: "value", name: spec.unit, position: right ? "right" : "left",
               nameTextStyle: { color: "#1b1b1b", align: right ? "right" : "left" },
               axisLabel: { color: "#1b1b1b", formatter: axisFormat(spec.lang) } }
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

  /* Colours, classes and figures come from the server (banded, with a "no data" class); a
     country without a value says so by name. The legend is the page's, beside the map. */
  function map(spec) {
    var data = spec.data.map(function (id, i) {
      return { name: id, value: spec.values[i], label: spec.names[i], text: spec.texts[i],
               link: spec.links[i], itemStyle: { areaColor: spec.colours[i] } };
    });
    return {
      animation: false,
      textStyle: { fontFamily: "system-ui, 'Noto Sans', 'Noto Sans Arabic', 'Noto Sans CJK SC', sans-serif", color: "#1b1b1b" },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var name = (p.data && p.data.label) || spec.countries[p.name] || "";
          if (!p.data || p.data.text == null) { return isolated(name ? name + ": " + spec.nodata : spec.nodata); }
          return isolated(name + ": " + p.data.text);
        }
      },
      series: [{
        type: "map", map: "world", roam: false, data: data,
        left: 0, right: 0, top: 0, bottom: 0,
        itemStyle: { areaColor: spec.nodataColour, borderColor: "#5c6670", borderWidth: 0.5 },
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

  /* ECharts lays a map out in its box: a box of no width or height has no scale, and
     inverting its transform fails ("Cannot read properties of null"). A chart is drawn, and
     redrawn, only while its box has a size (it has none while the page is laid out again,
     or hidden). */
  function sized(canvas) { return canvas.clientWidth > 0 && canvas.clientHeight > 0; }

  function whenSized(canvas) {
    if (sized(canvas) || typeof ResizeObserver === "undefined") { return Promise.resolve(); }
    return new Promise(function (resolve) {
      var observer = new ResizeObserver(function () {
        if (sized(canvas)) { observer.disconnect(); resolve(); }
      });
      observer.observe(canvas);
    });
  }

  function draw(figure) {
    var spec = JSON.parse(figure.querySelector(".chart-spec").textContent);
    var canvas = figure.querySelector(".chart-canvas");
    var start = function () {
      canvas.hidden = false;
      return whenSized(canvas).then(function () {
        figure.querySelector("details").open = false;
        var chart = echarts.init(canvas, null, { renderer: "svg" });
        var builders = { line: line, bar: bar, map: map };
        chart.setOption(builders[spec.type](spec));
        if (spec.type === "map") {
          chart.on("click", function (p) { if (p.data && p.data.link) { window.location.href = p.data.link; } });
        }
        window.addEventListener("resize", function () { if (sized(canvas)) { chart.resize(); } });
      });
    };
    if (spec.type === "map") {
      canvas.classList.add("map");
      return loadGeometry(spec.geo).then(start);
    }
    return start();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var figures = Array.prototype.slice.call(document.querySelectorAll("figure.chart"));
    if (!figures.length) { return; }
    var maps = figures.some(function (f) { return JSON.parse(f.querySelector(".chart-spec").textContent).type === "map"; });
    var library = loadScript("echarts.min.js");
    if (maps) { library = library.then(function () { return loadScript("topojson-client.min.js"); }); }
    // without the library (blocked, offline) the tables stay open: that is the fallback
    library.then(function () { figures.forEach(draw); });
  });
})();
