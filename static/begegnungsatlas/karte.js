/* Begegnungsatlas: map helpers loaded by every map (after Leaflet), served from static/.
 *
 * The Python builders (maps/*.py) only pass compact data; drawing happens here:
 *  - one layout rule for every map: no box (legend, attribution, scale, controls, notes)
 *    covers the city; the first view is fitted into the largest free rectangle,
 *  - names that never overprint each other, a pin or a box (inside their area, else
 *    beside it with a leader line; the ranked Stadtteile always named at city zoom),
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

  /* ---------- layout: boxes never cover the city, names never cover pins ---------- */

  /* One rule for every map, run whenever something that takes room changes (the frame's
   * size, a legend, a control, the fonts):
   *  1. the corners: the bottom-left controls (scale bar, offline note) sit above the
   *     attribution when it is wide enough to reach them; a legend that would take more than
   *     two thirds of the map's height or 45 % of its width gets a compact type;
   *  2. the first view: the city is fitted into the largest rectangle of the map that no
   *     control box touches (legend, attribution, scale, zoom, layer switch, notes) – until
   *     the planner pans or zooms, every later change fits it again;
   *  3. the names: placed by priority inside their area, never over a pin, a control or an
   *     earlier name; a name that finds no room inside is set beside its area with a leader
   *     line; only when even that fails is it left out at this zoom. */

  var GAP = 8; // px between the city and any box
  var LABEL_PANE_Z = 590;

  function rel(r, box) {
    return { left: r.left - box.left, top: r.top - box.top, right: r.right - box.left, bottom: r.bottom - box.top };
  }

  function hits(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  /* Boxes of the visible controls in container pixels. */
  BA.controlBoxes = function (map) {
    var c = map.getContainer(), box = c.getBoundingClientRect(), out = [];
    c.querySelectorAll(".leaflet-control-container .leaflet-control").forEach(function (el) {
      if (!el.offsetWidth || !el.offsetHeight) return;
      out.push(rel(el.getBoundingClientRect(), box));
    });
    return out;
  };

  /* Boxes of pins and point symbols (bridges, ferries, candidates) in container pixels. */
  function pinBoxes(map) {
    var c = map.getContainer(), box = c.getBoundingClientRect(), out = [];
    c.querySelectorAll(
      ".leaflet-marker-pane .leaflet-marker-icon, path.ba-bruecke, path.ba-faehre, " +
        "path.ba-gesperrt, path.ba-kandidat"
    ).forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (!r.width || !r.height) return;
      var b = rel(r, box);
      if (b.right < 0 || b.bottom < 0 || b.left > box.width || b.top > box.height) return;
      out.push(b);
    });
    return out;
  }

  function arrangeCorners(map) {
    var c = map.getContainer(), box = c.getBoundingClientRect();
    var attribution = c.querySelector(".leaflet-control-attribution");
    var bottomLeft = c.querySelector(".leaflet-bottom.leaflet-left");
    if (bottomLeft) {
      bottomLeft.style.bottom = "";
      var left = bottomLeft.getBoundingClientRect();
      if (attribution && attribution.offsetWidth && left.height) {
        var a = attribution.getBoundingClientRect();
        if (a.left < left.right + 4) bottomLeft.style.bottom = Math.ceil(box.bottom - a.top) + "px";
      }
    }
    var legend = c.querySelector(".ba-legend");
    if (legend) {
      legend.classList.remove("ba-kompakt");
      if (legend.offsetHeight > box.height * 0.5 || legend.offsetWidth > box.width * 0.3) {
        legend.classList.add("ba-kompakt");
      }
    }
  }

  /* The largest rectangle free of all boxes (edges from the boxes' edges) that holds the
   * bounds at the largest scale; returns Leaflet padding for fitBounds. */
  BA.freeArea = function (map, bounds, boxes) {
    var size = map.getSize(), W = size.x, H = size.y;
    var nw = map.project(bounds.getNorthWest(), 0), se = map.project(bounds.getSouthEast(), 0);
    var bw = Math.max(se.x - nw.x, 1e-9), bh = Math.max(se.y - nw.y, 1e-9);
    var xs = [0, W], ys = [0, H];
    boxes.forEach(function (b) {
      xs.push(b.left - GAP, b.right + GAP);
      ys.push(b.top - GAP, b.bottom + GAP);
    });
    function clean(v, max) {
      return v.map(function (x) { return Math.min(max, Math.max(0, x)); })
        .sort(function (a, b) { return a - b; })
        .filter(function (x, i, all) { return i === 0 || x !== all[i - 1]; });
    }
    xs = clean(xs, W);
    ys = clean(ys, H);
    var best = null;
    for (var i = 0; i < xs.length; i++) for (var j = i + 1; j < xs.length; j++) {
      var w = xs[j] - xs[i];
      if (w < 40) continue;
      for (var k = 0; k < ys.length; k++) for (var l = k + 1; l < ys.length; l++) {
        var h = ys[l] - ys[k];
        if (h < 40) continue;
        var rect = { left: xs[i], right: xs[j], top: ys[k], bottom: ys[l] };
        var blocked = boxes.some(function (b) { return hits(rect, b); });
        if (blocked) continue;
        var scale = Math.min((w - 2 * GAP) / bw, (h - 2 * GAP) / bh);
        if (!best || scale > best.scale * 1.0001 || (scale > best.scale * 0.9999 && w * h > best.area)) {
          best = { scale: scale, area: w * h, rect: rect };
        }
      }
    }
    if (!best) return null;
    var r = best.rect;
    return {
      rect: r,
      paddingTopLeft: [r.left + GAP, r.top + GAP],
      paddingBottomRight: [W - r.right + GAP, H - r.bottom + GAP],
    };
  };

  BA.setBounds = function (map, bounds) {
    map._baBounds = bounds;
    BA.layout(map);
  };

  /* Whether the planner has moved the view (then it is kept: no refit). */
  function watchUser(map) {
    if (map._baWatch) return;
    map._baWatch = true;
    var c = map.getContainer();
    function user() { map._baUserView = true; }
    map.on("dragstart boxzoomstart", user);
    c.addEventListener("wheel", user, { passive: true });
    c.addEventListener("keydown", user);
    c.addEventListener("dblclick", function () { if (map.doubleClickZoom.enabled()) user(); });
    c.addEventListener("touchstart", function (e) { if (e.touches.length > 1) user(); }, { passive: true });
    c.addEventListener("click", function (e) {
      if (e.target.closest && e.target.closest(".leaflet-control-zoom")) user();
    });
  }

  function ready(map) {
    var corner = map.getContainer().querySelector(".leaflet-top.leaflet-left");
    var size = map.getSize();
    // Until Leaflet's stylesheet has arrived the corners are not yet absolutely placed.
    return size.x > 0 && size.y > 0 && corner && getComputedStyle(corner).position === "absolute";
  }

  function relayout(map) {
    map._baPending = false;
    if (!ready(map)) {
      if ((map._baTries = (map._baTries || 0) + 1) < 200) schedule(map, 50);
      return;
    }
    arrangeCorners(map);
    if (map._baBounds && !map._baUserView) {
      var bounds = L.latLngBounds(map._baBounds);
      var area = BA.freeArea(map, bounds, BA.controlBoxes(map));
      if (area && !map._animatingZoom) {
        map.fitBounds(bounds, {
          paddingTopLeft: area.paddingTopLeft,
          paddingBottomRight: area.paddingBottomRight,
          animate: false,
        });
      } else if (map._animatingZoom) {
        map.once("zoomend", function () { schedule(map); });
      }
    }
    BA.declutter(map);
    observe(map);
    map._baLaidOut = Date.now(); // read by the browser tests (layout settled)
  }

  function schedule(map, delay) {
    if (map._baPending) return;
    map._baPending = true;
    setTimeout(function () { relayout(map); }, delay || 30);
  }

  /* Lay the map out again when anything that takes room changes. */
  function observe(map) {
    if (!window.ResizeObserver) return;
    if (!map._baResize) {
      map._baResize = new ResizeObserver(function () { schedule(map); });
      map._baResize.observe(map.getContainer());
      var controls = map.getContainer().querySelector(".leaflet-control-container");
      if (controls && window.MutationObserver) {
        new MutationObserver(function () { schedule(map); })
          .observe(controls, { childList: true, subtree: true });
      }
    }
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (el) {
      map._baResize.observe(el);
    });
  }

  BA.layout = function (map) {
    if (!map._baLayout) {
      map._baLayout = true;
      watchUser(map);
      map.on("resize", function () { schedule(map); });
      map.on("zoomend moveend", function () { BA.declutter(map); });
      if (document.fonts && document.fonts.ready) document.fonts.ready.then(function () { schedule(map); });
    }
    schedule(map);
  };

  /* ---------- names: inside their area, else beside it with a leader line ---------- */

  function twoLines(name) {
    var cuts = [];
    for (var i = 0; i < name.length; i++) if (name[i] === " " || name[i] === "-") cuts.push(i);
    if (!cuts.length) return null;
    var cut = cuts.reduce(function (a, b) {
      return Math.abs(b - name.length / 2) < Math.abs(a - name.length / 2) ? b : a;
    });
    return name[cut] === "-" ? name.slice(0, cut + 1) + "\n" + name.slice(cut + 1)
      : name.slice(0, cut) + "\n" + name.slice(cut + 1);
  }

  /* labels: [[lat, lon, text, priority, id, [[lat, lon], ...further spots], essential], ...];
   * essential names first, then by priority; the first spot is where a leader line points.
   * Only essential names are set beside their area when there is no room inside. */
  BA.labels = function (map, labels) {
    var pane = map.getPane("ba-labels") || map.createPane("ba-labels");
    pane.style.zIndex = LABEL_PANE_Z;
    pane.style.pointerEvents = "none";
    var items = labels.map(function (l) {
      var marker = L.marker([l[0], l[1]], {
        icon: L.divIcon({ className: "ba-label-icon", html: "", iconSize: null }),
        interactive: false, keyboard: false, pane: "ba-labels",
      }).addTo(map);
      var el = marker.getElement();
      var variants = [l[2]];
      var split = twoLines(String(l[2]));
      if (split) variants.push(split);
      var texts = variants.map(function (v) {
        var inner = text("div", "ba-label", v);
        inner.setAttribute("data-area", l[4] || "");
        el.appendChild(inner);
        return inner;
      });
      var leader = text("div", "ba-leader");
      el.appendChild(leader);
      var spots = [[l[0], l[1]]].concat(l[5] || []).map(function (s) { return L.latLng(s[0], s[1]); });
      return {
        el: el, texts: texts, leader: leader, prio: l[3], id: l[4], spots: spots, anchor: spots[0],
        essential: l[6] !== false,
      };
    }).sort(function (a, b) { return (b.essential - a.essential) || (b.prio - a.prio); });
    map._baLabels = items;
    BA.layout(map);
    return items;
  };

  function areaPath(map, id) {
    return map.getContainer().querySelector("path.ba-area-" + (window.CSS && CSS.escape ? CSS.escape(id) : id));
  }

  /* True if the box (container pixels) lies inside the area's polygon. */
  function insideArea(map, item, b) {
    var path = item.path;
    if (path === undefined) path = item.path = areaPath(map, item.id) || null;
    if (!path || !path.ownerSVGElement || !path.isPointInFill) return false;
    var ctm = path.getScreenCTM();
    if (!ctm) return false;
    var inv = ctm.inverse(), box = map.getContainer().getBoundingClientRect();
    var xs = [b.left + 1, (b.left + b.right) / 2, b.right - 1];
    var ys = [b.top + 1, (b.top + b.bottom) / 2, b.bottom - 1];
    for (var i = 0; i < 3; i++) for (var j = 0; j < 3; j++) {
      var p = new DOMPoint(box.left + xs[i], box.top + ys[j]).matrixTransform(inv);
      if (!path.isPointInFill(p)) return false;
    }
    return true;
  }

  /* The point of a w×h box centred at (x, y) nearest to ``p``. */
  function nearest(p, x, y, wh) {
    return L.point(Math.max(x - wh[0] / 2, Math.min(p.x, x + wh[0] / 2)),
      Math.max(y - wh[1] / 2, Math.min(p.y, y + wh[1] / 2)));
  }

  function segmentsCross(a, b, c, d) {
    function side(p, q, r) { return (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x); }
    var d1 = side(c, d, a), d2 = side(c, d, b), d3 = side(a, b, c), d4 = side(a, b, d);
    return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
  }

  /* Whether the segment a–b passes through the inside of box ``r`` (a little shrunk). */
  function segmentHitsBox(a, b, r) {
    var l = r.left + 2, t = r.top + 2, R = r.right - 2, B = r.bottom - 2;
    if (l >= R || t >= B) return false;
    function inside(p) { return p.x > l && p.x < R && p.y > t && p.y < B; }
    if (inside(a) || inside(b)) return true;
    var corners = [L.point(l, t), L.point(R, t), L.point(R, B), L.point(l, B)];
    for (var i = 0; i < 4; i++) if (segmentsCross(a, b, corners[i], corners[(i + 1) % 4])) return true;
    return false;
  }

  BA.declutter = function (map) {
    var items = map._baLabels;
    if (!items || !items.length) return;
    var size = map.getSize();
    if (!size.x || !size.y) return;
    var frame = { left: 2, top: 2, right: size.x - 2, bottom: size.y - 2 };
    var blocked = BA.controlBoxes(map).concat(pinBoxes(map));
    var placed = [];
    // Measure every variant at once (one layout pass), hidden.
    items.forEach(function (item) {
      item.leader.style.display = "none";
      item.texts.forEach(function (t) {
        t.style.left = "0px";
        t.style.top = "0px";
        t.style.visibility = "hidden";
        t.style.display = "block";
      });
    });
    items.forEach(function (item) {
      item.sizes = item.texts.map(function (t) {
        var r = t.getBoundingClientRect();
        return [r.width, r.height];
      });
      item.at = map.latLngToContainerPoint(item.anchor);
      item.points = item.spots.map(function (s) { return map.latLngToContainerPoint(s); });
      item.shown = null;
    });
    function boxAt(x, y, wh) {
      return { left: x - wh[0] / 2 - 2, top: y - wh[1] / 2 - 1, right: x + wh[0] / 2 + 2, bottom: y + wh[1] / 2 + 1 };
    }
    function free(b, extra) {
      if (b.left < frame.left || b.top < frame.top || b.right > frame.right || b.bottom > frame.bottom) return false;
      for (var i = 0; i < blocked.length; i++) if (hits(b, blocked[i])) return false;
      for (var j = 0; j < placed.length; j++) if (hits(b, placed[j])) return false;
      if (extra) for (var k = 0; k < extra.length; k++) if (hits(b, extra[k])) return false;
      return true;
    }
    function show(item, v, x, y, b, leader) {
      item.shown = { v: v, x: x, y: y, leader: leader };
      placed.push(b);
    }
    var lines = []; // leader lines drawn so far: [from, to]
    // 1. Every essential name that fits wholly inside its own area, by priority.
    items.forEach(function (item) { if (item.essential) placeInside(item, true); });
    // 2. The other essential names by priority: at a free spot of their area, else beside
    // it with a leader line – before any name of lower priority takes the room.
    var waiting = items.filter(function (item) { return item.essential && !item.shown; });
    var centre = map._baBounds ? map.latLngToContainerPoint(L.latLngBounds(map._baBounds).getCenter())
      : L.point(size.x / 2, size.y / 2);
    var radii = [10, 18, 28, 40, 54, 70, 90, 115, 145, 180, 220, 270];
    // The spot of every essential name still waiting is kept clear by the others.
    function spotBox(o) {
      return { left: o.at.x - 5, top: o.at.y - 5, right: o.at.x + 5, bottom: o.at.y + 5 };
    }
    waiting.forEach(function (item, n) {
      var others = waiting.slice(n + 1).map(spotBox);
      if (!placeInside(item, false, others)) placeBeside(item, others);
    });
    // 3. The remaining names where room is left inside their area.
    items.forEach(function (item) {
      if (!item.essential && !placeInside(item, true)) placeInside(item, false);
    });

    function placeInside(item, whole, keepClear) {
      for (var v = 0; v < item.texts.length; v++) {
        for (var s = 0; s < item.points.length; s++) {
          var p = item.points[s], b = boxAt(p.x, p.y, item.sizes[v]);
          if (!free(b, keepClear) || (whole && !insideArea(map, item, b))) continue;
          if (lines.some(function (l) { return segmentHitsBox(l[0], l[1], b); })) continue;
          show(item, v, p.x, p.y, b, false);
          return true;
        }
      }
      return false;
    }

    function crosses(a, b, linesMayCross) {
      if (!linesMayCross) {
        for (var i = 0; i < lines.length; i++) if (segmentsCross(a, b, lines[i][0], lines[i][1])) return true;
      }
      for (var j = 0; j < placed.length; j++) if (segmentHitsBox(a, b, placed[j])) return true;
      return false;
    }

    /* Beside the area with a leader line, as close as there is room and pointing away from
     * the city's centre (lines fan out instead of crossing the city); no line crosses a
     * name, and the spots of names still waiting stay clear where possible. */
    function placeBeside(item, others) {
      if (item.at.x < 0 || item.at.y < 0 || item.at.x > size.x || item.at.y > size.y) return;
      var out = Math.atan2(item.at.y - centre.y, item.at.x - centre.x);
      // Outward first: within 60° of the direction away from the centre at any distance,
      // then within 120° – never across the city. Attempts: keep the waiting spots clear;
      // then not; then also let the line cross other lines. One line first, then two.
      var sectors = [Math.PI / 3, (2 * Math.PI) / 3];
      for (var attempt = 0; attempt < 3; attempt++) {
        for (var v = 0; v < item.texts.length; v++) {
          var wh = item.sizes[v];
          for (var q = 0; q < sectors.length; q++) {
            for (var r = 0; r < radii.length; r++) {
              for (var k = 0; k < 33; k++) {
                var turn = (k % 2 ? 1 : -1) * Math.ceil(k / 2) * (Math.PI / 24);
                if (Math.abs(turn) > sectors[q] || (q > 0 && Math.abs(turn) <= sectors[q - 1])) continue;
                var dx = Math.cos(out + turn), dy = Math.sin(out + turn);
                // The box's nearest edge lies radii[r] px from the area's spot.
                var x = item.at.x + dx * (radii[r] + wh[0] / 2), y = item.at.y + dy * (radii[r] + wh[1] / 2);
                var b = boxAt(x, y, wh);
                if (!free(b, attempt === 0 ? others : null)) continue;
                var end = nearest(item.at, x, y, wh);
                if (crosses(item.at, end, attempt === 2)) continue;
                show(item, v, x, y, b, true);
                lines.push([item.at, end]);
                return;
              }
            }
          }
        }
      }
    }
    // Draw: the chosen variant at its offset from the marker (the area's first spot).
    items.forEach(function (item) {
      item.texts.forEach(function (t, v) {
        var on = item.shown && item.shown.v === v;
        t.style.display = on ? "block" : "none";
        t.style.visibility = on ? "visible" : "hidden";
        t.classList.toggle("ba-abgesetzt", !!(on && item.shown.leader));
        if (on) {
          t.style.left = item.shown.x - item.at.x + "px";
          t.style.top = item.shown.y - item.at.y + "px";
        }
      });
      if (item.shown && item.shown.leader) {
        // From the spot to the nearest point of the name's box.
        var end = nearest(item.at, item.shown.x, item.shown.y, item.sizes[item.shown.v]);
        var ex = end.x - item.at.x, ey = end.y - item.at.y;
        var len = Math.sqrt(ex * ex + ey * ey);
        item.leader.style.display = len > 2 ? "block" : "none";
        item.leader.style.width = len + "px";
        item.leader.style.transform = "rotate(" + Math.atan2(ey, ex) + "rad)";
      }
    });
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
      var height = Math.max(260, Math.floor(window.parent.innerHeight - top - reserve));
      if (Math.abs(frame.offsetHeight - height) > 1) {
        frame.style.setProperty("height", height + "px", "important");
        map.invalidateSize(false);
      }
    }
    fit();
    window.parent.addEventListener("resize", fit);
    // The page above the map may still grow or shrink (figures, notes): follow it.
    if (window.ResizeObserver) {
      var main = frame.ownerDocument.querySelector('[data-testid="stMainBlockContainer"]');
      if (main) new window.parent.ResizeObserver(fit).observe(main);
    }
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
    BA.layout(map);
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

  /* A click on a pin says what it is and how to change it (instead of doing nothing). */
  function explain(layer, title, hint) {
    if (!hint) return;
    var box = text("div", "ba-popup");
    box.appendChild(text("b", null, title));
    box.appendChild(text("div", null, hint));
    layer.bindPopup(box, { maxWidth: 280 });
  }

  /* pins: [[lat, lon, kind, tooltip, color, symbol, label], ...]
   * kinds: bestand, neu, geschlossen, vorschlag (pins); kandidat (small dots).
   * hints: kind -> what a click on such a pin says. */
  BA.pins = function (group, pins, ring, hints) {
    hints = hints || {};
    pins.forEach(function (p) {
      var kind = p[2];
      if (kind === "kandidat") {
        var dot = L.circleMarker([p[0], p[1]], {
          radius: 4, color: "#333", weight: 1.5, fill: true, fillColor: "#fff", fillOpacity: 1,
          className: "ba-kandidat", pane: "markerPane", bubblingMouseEvents: false,
        });
        tooltip(dot, p[3]);
        explain(dot, p[3], hints[kind]);
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
      explain(marker, p[3], hints[kind]);
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
    BA.pins(group, data.pins || [], data.ring, data.hints);
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
