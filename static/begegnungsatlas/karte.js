/* Begegnungsatlas: map helpers loaded by every map (after Leaflet), served from static/.
 *
 * The Python builders (maps/*.py) only pass compact data; drawing happens here:
 *  - labels that never overprint each other (priorities, collision check per zoom),
 *  - legends that never cover the city (initial view fitted around them),
 *  - the Standortsimulation: grid cells on one canvas above the Stadtteile, pins that
 *    shrink at city zoom, tooltips that never stay stuck, a legend per update.
 * Text from data is only ever set as textContent (no HTML from data reaches the DOM).
 */
(function () {
  "use strict";
  var BA = (window.BA = window.BA || {});

  /* ---------- decoding ---------- */

  BA.bytes = function (b64) {
    var raw = atob(b64 || "");
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  };

  /* Encoded polyline (Google's algorithm) -> [[lat, lon], ...]. */
  BA.polyline = function (str, precision) {
    var factor = Math.pow(10, precision || 5);
    var index = 0, lat = 0, lon = 0, out = [];
    while (index < str.length) {
      var vals = [0, 0];
      for (var k = 0; k < 2; k++) {
        var shift = 0, result = 0, byte;
        do {
          byte = str.charCodeAt(index++) - 63;
          result |= (byte & 0x1f) << shift;
          shift += 5;
        } while (byte >= 0x20);
        vals[k] = result & 1 ? ~(result >> 1) : result >> 1;
      }
      lat += vals[0];
      lon += vals[1];
      out.push([lat / factor, lon / factor]);
    }
    return out;
  };

  function text(tag, cls, content) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (content !== undefined && content !== null) el.textContent = String(content);
    return el;
  }

  /* ---------- zoom classes, tooltips ---------- */

  /* CSS classes on the map container by zoom: pins and labels shrink at city zoom. */
  BA.zoomClasses = function (map) {
    if (map._baZoomClasses) return;
    map._baZoomClasses = true;
    function update() {
      var z = map.getZoom(), c = map.getContainer();
      c.classList.toggle("ba-z-stadt", z < 13);
      c.classList.toggle("ba-z-mittel", z >= 13 && z < 15);
      c.classList.toggle("ba-z-nah", z >= 15);
    }
    map.on("zoomend", update);
    update();
    // A narrow map (half a page) gets a compact legend, so the city keeps its room.
    function width() {
      map.getContainer().classList.toggle("ba-schmal", map.getSize().x < 720);
    }
    map.on("resize", width);
    width();
  };

  /* Tooltips close on a click, at the start of a pan or zoom: none stays behind. */
  BA.closeTooltips = function (map) {
    if (map._baCloseTooltips) return;
    map._baCloseTooltips = true;
    function close() {
      map.eachLayer(function (layer) {
        if (layer.getTooltip && layer.getTooltip() && layer.isTooltipOpen()) layer.closeTooltip();
      });
    }
    map.on("click movestart zoomstart", close);
  };

  /* ---------- labels without overprinting ---------- */

  /* labels: [[lat, lon, text, priority, id], ...]; higher priority is placed first. */
  BA.labels = function (map, labels) {
    var pane = map.getPane("ba-labels") || map.createPane("ba-labels");
    pane.style.zIndex = 590;
    pane.style.pointerEvents = "none";
    var items = labels
      .map(function (l) {
        var icon = L.divIcon({
          className: "ba-label-icon",
          html: "",
          iconSize: null,
        });
        var marker = L.marker([l[0], l[1]], {
          icon: icon,
          interactive: false,
          keyboard: false,
          pane: "ba-labels",
        }).addTo(map);
        var el = marker.getElement();
        var inner = text("div", "ba-label", l[2]);
        inner.setAttribute("data-area", l[4] || "");
        el.appendChild(inner);
        return { marker: marker, el: el, inner: inner, prio: l[3] };
      })
      .sort(function (a, b) {
        return b.prio - a.prio;
      });
    function declutter() {
      var placed = [];
      var box = map.getContainer().getBoundingClientRect();
      items.forEach(function (item) {
        item.inner.style.visibility = "hidden";
        item.inner.style.display = "block";
      });
      items.forEach(function (item) {
        var r = item.inner.getBoundingClientRect();
        var inside = r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom;
        var free = inside && placed.every(function (p) {
          return r.right + 3 < p.left || r.left - 3 > p.right || r.bottom + 1 < p.top || r.top - 1 > p.bottom;
        });
        if (free) {
          placed.push(r);
          item.inner.style.visibility = "visible";
        } else {
          item.inner.style.display = "none";
        }
      });
    }
    map.on("zoomend moveend resize", declutter);
    BA.declutter = declutter;
    setTimeout(declutter, 0);
    return items;
  };

  /* ---------- presentation mode: the map fills the rest of the screen ---------- */

  /* The map's frame gets the height from its top to the bottom of the window (minus the
   * source line below it), so map, legend and the figures above fit on one screen. */
  BA.fitFrame = function (map, reserve) {
    var frame = window.frameElement;
    if (!frame || !window.parent) return;
    function scroller(el) {
      for (var p = el.parentElement; p; p = p.parentElement) {
        var style = window.parent.getComputedStyle(p);
        if (/(auto|scroll)/.test(style.overflowY) && p.scrollHeight > p.clientHeight) return p;
      }
      return null;
    }
    function fit() {
      var box = scroller(frame);
      var top = frame.getBoundingClientRect().top + (box ? box.scrollTop : 0);
      var height = Math.max(420, Math.floor(window.parent.innerHeight - top - reserve));
      frame.style.setProperty("height", height + "px", "important");
      map.invalidateSize(false);
    }
    fit();
    window.parent.addEventListener("resize", fit);
  };

  /* ---------- legends that never cover the city ---------- */

  BA.setBounds = function (map, bounds) {
    map._baBounds = bounds;
  };

  /* Fit the city into the part of the map that the legend does not cover: the legend
   * (bottom right) takes a strip on the right or at the bottom, whichever leaves the city
   * larger. Only once, when the map is created – later the planner's view is kept. */
  BA.fitAround = function (map, legendEl) {
    if (!map._baBounds || map._baFitted) return;
    map._baFitted = true;
    var bounds = L.latLngBounds(map._baBounds);
    var tries = 0;
    function fit() {
      var size = map.getSize();
      var box = map.getContainer().getBoundingClientRect();
      var r = legendEl ? legendEl.getBoundingClientRect() : null;
      // Until Leaflet's stylesheet has arrived the legend is not yet in its corner.
      var placed = !r || (r.left >= box.left - 1 && r.bottom <= box.bottom + 1 && r.right > r.left);
      if ((!size.x || !size.y || !placed) && tries++ < 100) return setTimeout(fit, 50);
      // A running zoom animation (folium's own first fit) would swallow this one.
      if (map._animatingZoom) return map.once("zoomend", fit);
      // The strip the legend takes, from its real position (the source line below it
      // pushes it up, more so on a narrow map).
      var w = r ? Math.max(0, box.right - r.left) + 12 : 0;
      var h = r ? Math.max(0, box.bottom - r.top) + 12 : 0;
      var right = { paddingTopLeft: [10, 10], paddingBottomRight: [w, 10], animate: false };
      var below = { paddingTopLeft: [10, 10], paddingBottomRight: [10, h], animate: false };
      var zRight = map.getBoundsZoom(bounds, false, L.point(w + 10, 20));
      var zBelow = map.getBoundsZoom(bounds, false, L.point(20, h + 10));
      map.fitBounds(bounds, zRight >= zBelow ? right : below);
    }
    fit();
    // The frame may still get its final size (Streamlit sets it after the map exists):
    // fit again on a resize until the planner touches the map.
    var container = map.getContainer();
    function touched() {
      map.off("resize", fit);
      ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (type) {
        container.removeEventListener(type, touched);
      });
    }
    map.on("resize", fit);
    ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (type) {
      container.addEventListener(type, touched);
    });
  };

  /* One legend box per map (replaced on every update of the simulation map). */
  BA.legend = function (map, spec) {
    if (map._baLegend) map.removeControl(map._baLegend);
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "ba-legend");
      div.appendChild(text("h4", null, spec.title));
      spec.entries.forEach(function (e) {
        var row = text("div", "ba-legend-row");
        var sw = text("span", "sw " + (e[2] || ""));
        sw.style.background = e[0];
        row.appendChild(sw);
        row.appendChild(document.createTextNode(e[1]));
        div.appendChild(row);
      });
      if (spec.note) div.appendChild(text("div", "note", spec.note));
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    control.addTo(map);
    map._baLegend = control;
    BA.fitAround(map, control.getContainer());
    return control;
  };

  /* ---------- the grid (Standortsimulation) ---------- */

  /* Unsigned LEB128 varints (zigzag-decoded when asked). */
  BA.varints = function (b64, zigzag) {
    var b = BA.bytes(b64), out = [], value = 0, shift = 0;
    for (var i = 0; i < b.length; i++) {
      value += (b[i] & 0x7f) * Math.pow(2, shift);
      if (b[i] & 0x80) { shift += 7; continue; }
      out.push(zigzag ? (value % 2 ? -(value + 1) / 2 : value / 2) : value);
      value = 0;
      shift = 0;
    }
    return out;
  };

  /* spec: {runs: b64 zigzag varints [row step, column step, length]*, x0, y0, step, lat, lon}
   * Cells of a regular grid (metres), in the order of the analysis; corners are turned into
   * lat/lon with a cubic polynomial fitted in Python (error < 0.1 m across the city). */
  BA.grid = function (spec) {
    var deltas = BA.varints(spec.runs, true), runs = [];
    var prevRow = 0, prevEnd = 0, n = 0;
    for (var r = 0; r < deltas.length; r += 3) {
      var runRow = prevRow + deltas[r], runCol = prevEnd + deltas[r + 1], runLen = deltas[r + 2];
      runs.push(runRow, runCol, runLen);
      prevRow = runRow;
      prevEnd = runCol + runLen;
      n += runLen;
    }
    var corners = new Float64Array(n * 8);
    var cx = spec.cx, cy = spec.cy, s = spec.scale;
    function poly(c, u, v) {
      return c[0] + c[1] * u + c[2] * v + c[3] * u * u + c[4] * u * v + c[5] * v * v +
        c[6] * u * u * u + c[7] * u * u * v + c[8] * u * v * v + c[9] * v * v * v;
    }
    var k = 0;
    var offsets = [[0, 0], [1, 0], [1, 1], [0, 1]];
    for (var q = 0; q < runs.length; q += 3) {
      var row = runs[q], col = runs[q + 1], len = runs[q + 2];
      for (var i = 0; i < len; i++, k++) {
        for (var c = 0; c < 4; c++) {
          var x = spec.x0 + (col + i + offsets[c][0]) * spec.step;
          var y = spec.y0 + (row + offsets[c][1]) * spec.step;
          var u = (x - cx) / s, v = (y - cy) / s;
          corners[k * 8 + 2 * c] = poly(spec.lat, u, v);
          corners[k * 8 + 2 * c + 1] = poly(spec.lon, u, v);
        }
      }
    }
    return { n: n, corners: corners };
  };

  /* All grid cells of one or more states on one canvas, above the Stadtteile and below
   * pins and labels. layers: [{bits: b64 bitmask over the cells, color, opacity}, ...] */
  BA.CellLayer = L.Layer.extend({
    initialize: function (grid, layers) {
      this._grid = grid;
      this._layers = layers.map(function (l) {
        return { bits: BA.bytes(l.bits), color: l.color, opacity: l.opacity };
      });
    },
    onAdd: function (map) {
      this._map = map;
      var pane = map.getPane("ba-zellen");
      if (!pane) {
        pane = map.createPane("ba-zellen");
        pane.style.zIndex = 410;
        pane.style.pointerEvents = "none";
      }
      this._canvas = L.DomUtil.create("canvas", "ba-zellen-canvas", pane);
      map.on("moveend zoomend resize viewreset", this._redraw, this);
      map.on("zoomstart", this._hide, this);
      this._redraw();
    },
    onRemove: function (map) {
      map.off("moveend zoomend resize viewreset", this._redraw, this);
      map.off("zoomstart", this._hide, this);
      L.DomUtil.remove(this._canvas);
    },
    _hide: function () {
      this._canvas.style.visibility = "hidden";
    },
    _redraw: function () {
      var map = this._map, canvas = this._canvas;
      if (!map) return;
      var size = map.getSize(), ratio = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x * ratio;
      canvas.height = size.y * ratio;
      canvas.style.width = size.x + "px";
      canvas.style.height = size.y + "px";
      var ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      var corners = this._grid.corners, n = this._grid.n;
      var zoom = map.getZoom(), origin = map.getPixelOrigin(), pane = map._getMapPanePos();
      var bounds = map.getBounds().pad(0.05);
      var counts = {};
      this._layers.forEach(function (layer) {
        ctx.fillStyle = layer.color;
        ctx.globalAlpha = layer.opacity;
        ctx.beginPath();
        var drawn = 0;
        for (var k = 0; k < n; k++) {
          if (!((layer.bits[k >> 3] >> (k & 7)) & 1)) continue;
          var lat0 = corners[k * 8], lon0 = corners[k * 8 + 1];
          if (!bounds.contains([lat0, lon0])) continue;
          drawn++;
          for (var c = 0; c < 4; c++) {
            var p = map.project([corners[k * 8 + 2 * c], corners[k * 8 + 2 * c + 1]], zoom);
            var x = p.x - origin.x + pane.x, y = p.y - origin.y + pane.y;
            if (c === 0) ctx.moveTo(x, y);
            else ctx.lineTo(x, y);
          }
          ctx.closePath();
        }
        ctx.fill();
        counts[layer.color] = drawn;
      });
      ctx.globalAlpha = 1;
      // Cells drawn per colour in the current view (read by the browser tests).
      canvas.setAttribute("data-zellen", JSON.stringify(counts));
      canvas.style.visibility = "visible";
    },
  });

  /* ---------- pins ---------- */

  function pinIcon(kind, color, symbol, size, label) {
    var el = text("div", "ba-pin ba-" + kind);
    el.style.background = color;
    el.style.width = size + "px";
    el.style.height = size + "px";
    if (label) {
      el.appendChild(text("span", "ba-pin-text", label));
    } else if (symbol) {
      el.appendChild(text("i", "fa-solid " + symbol));
    }
    var wrapper = document.createElement("div");
    wrapper.appendChild(el);
    return L.divIcon({
      className: "ba-pin-icon",
      html: wrapper.innerHTML,
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
    });
  }

  function tooltip(marker, content) {
    marker.bindTooltip(text("span", null, content), { sticky: false, direction: "top", offset: [0, -10] });
  }

  /* pins: [[lat, lon, kind, tooltip, color, symbol, label], ...]
   * kinds: bestand, neu, geschlossen, vorschlag (pins); kandidat (small dots). */
  BA.pins = function (group, pins, ring) {
    pins.forEach(function (p) {
      var kind = p[2];
      if (kind === "kandidat") {
        var dot = L.circleMarker([p[0], p[1]], {
          radius: 4, color: "#333", weight: 1.5, fill: true, fillColor: "#fff", fillOpacity: 1,
          className: "ba-kandidat", pane: "markerPane", bubblingMouseEvents: false,
        });
        tooltip(dot, p[3]);
        dot.addTo(group);
        return;
      }
      if ((kind === "neu" || kind === "vorschlag") && ring) {
        var style = {
          color: kind === "neu" ? p[4] : "#111", weight: 2,
          dashArray: kind === "neu" ? "6 4" : "3 4",
          fill: false, interactive: false, className: "ba-ring-" + kind,
        };
        if (p[7]) {
          /* the walking catchment cut at the Elbe (reaches across only via a bridge) */
          p[7].forEach(function (outline) { L.polygon(outline, style).addTo(group); });
        } else {
          style.radius = ring;
          L.circle([p[0], p[1]], style).addTo(group);
        }
      }
      var size = kind === "bestand" ? 24 : kind === "geschlossen" ? 22 : 26;
      var marker = L.marker([p[0], p[1]], {
        icon: pinIcon(kind, p[4], p[5], size, p[6]),
        keyboard: false,
        riseOnHover: true,
      });
      tooltip(marker, p[3]);
      marker.addTo(group);
    });
  };

  /* ---------- the Standortsimulation map ---------- */

  /* Stadtteile filled by class (below the boundaries), with a tooltip table each.
   * fills: [[id, colour, outline weight, [[label, text], ...]], ...] */
  BA.fills = function (map, group, fills) {
    fills.forEach(function (f) {
      var rings = map._baRings && map._baRings[f[0]];
      if (!rings) return;
      var thick = f[2] > 1.5;
      var polygon = L.polygon(rings, {
        fillColor: f[1], fillOpacity: 0.75, color: thick ? "#111" : "#555", weight: f[2],
        className: "ba-fill ba-fill-" + f[0],
      });
      var table = text("table", "ba-tooltip");
      f[3].forEach(function (row) {
        var tr = text("tr");
        tr.appendChild(text("th", null, row[0]));
        tr.appendChild(text("td", null, row[1]));
        table.appendChild(tr);
      });
      polygon.bindTooltip(table, { sticky: true });
      polygon.on("mouseover", function () { polygon.setStyle({ weight: 3, color: "#000" }); });
      polygon.on("mouseout", function () {
        polygon.setStyle({ weight: f[2], color: thick ? "#111" : "#555" });
      });
      group.addLayer(polygon);
    });
  };

  /* One update of a layered map: everything that follows the planner's choices.
   * data: {cells: [layer...], fills: [...], pins: [...], ring: metres, legend: {...}} */
  BA.scenario = function (map, group, data) {
    BA.zoomClasses(map);
    BA.closeTooltips(map);
    if (data.fills) BA.fills(map, group, data.fills);
    if (data.cells && data.cells.length && map._baGrid) {
      group.addLayer(new BA.CellLayer(map._baGrid, data.cells));
    }
    BA.pins(group, data.pins || [], data.ring);
    if (data.legend) BA.legend(map, data.legend);
  };

  /* The Elbe as a walking barrier: lines, bridges (filled) and ferries (hollow, "nur Bus &
   * Bahn"), names as tooltips, in one layer with a switch (top left).
   * spec: {name, colors: [line, bridge, ferry, closed], lines: [[text, encoded polyline], ...],
   *        crossings: [[lat, lon, text, walkable, closed in the scenario], ...]} */
  BA.barrier = function (map, spec) {
    var colors = spec.colors, group = L.layerGroup();
    spec.lines.forEach(function (l) {
      var line = L.polyline(BA.polyline(l[1], 5), { color: colors[0], weight: 5, opacity: 0.8 });
      line.bindTooltip(text("span", null, l[0]), { sticky: true });
      group.addLayer(line);
    });
    spec.crossings.forEach(function (c) {
      var color = c[4] ? colors[3] : c[3] ? colors[1] : colors[2];
      var dot = L.circleMarker([c[0], c[1]], {
        radius: 6, weight: 2, fill: true, fillOpacity: 0.9,
        color: color, fillColor: c[3] ? color : "#ffffff", dashArray: c[3] ? null : "3 3",
        className: c[4] ? "ba-gesperrt" : c[3] ? "ba-bruecke" : "ba-faehre",
      });
      tooltip(dot, c[2]);
      group.addLayer(dot);
    });
    group.addTo(map);
    var overlays = {};
    overlays[spec.name] = group;
    L.control.layers(null, overlays, { collapsed: true, position: "topleft" }).addTo(map);
  };

  BA.setGrid = function (map, spec) {
    map._baGrid = BA.grid(spec);
    map.getContainer().classList.add("ba-sim");
    BA.zoomClasses(map);
    BA.closeTooltips(map);
  };

  /* Stadtteil polygons from encoded rings, as SVG paths that do not catch the mouse.
   * spec: {areas: [[id, [ring, ring, ...]], ...] (encoded polylines), color, weight} */
  BA.areas = function (map, spec) {
    var areas = spec.areas, style = spec;
    var pane = map.getPane("ba-grenzen");
    if (!pane) {
      pane = map.createPane("ba-grenzen");
      pane.style.zIndex = 420;
      pane.style.pointerEvents = "none";
    }
    var renderer = L.svg({ pane: "ba-grenzen" });
    map._baRings = {};
    areas.forEach(function (a) {
      var rings = a[1].map(function (r) {
        return BA.polyline(r, 5);
      });
      map._baRings[a[0]] = rings;
      L.polygon(rings, {
        renderer: renderer, pane: "ba-grenzen", interactive: false, fill: false,
        color: style.color, weight: style.weight, className: "ba-stadtteil ba-area-" + a[0],
      }).addTo(map);
    });
  };
})();
