/* Sanctuary Map 2017: the map page. It draws the shapes, paints any day of 2017 from the status
 * changes it holds, and carries the timeline (scrub, Play), the legend and the day's caption.
 *
 * Loaded by st_folium like Leaflet, after static/js/bridge.js, through which it hears and tells the
 * server everything: the bridge hands it its data once, start(map, {boundaries, changes, ...}), and on
 * every rerun of the app show(view) with the colouring, the selection and the day the server holds.
 *
 * Scrubbing and playing never wait for the server: the page tells it the day only once it settles
 * (SETTLE_MS without a new day, or Pause), and when a place is clicked.
 *
 * The first part (days, lookups, caption, play timing) is pure: no DOM, no Leaflet. Node runs its
 * tests (tests/js/), and tests/unit/page/test_painting.py checks the painting against status.as_of in Python,
 * which stays the one source of the rules: this file only looks changes up.
 */
(function (root, factory) {
  "use strict";
  var node = typeof module === "object" && module.exports;
  var api = factory(node ? require("./bridge.js") : root.SanctuaryBridge);
  if (node) module.exports = api;
  else root.SanctuaryMap = api;
})(typeof window !== "undefined" ? window : globalThis, function (bridge) {
  "use strict";

  var DAY_MS = 86400000;
  // Days a second while playing; "Events only" is a switch of its own beside them.
  var SPEEDS = [
    {key: "1", label: "1 day/s", daysPerSecond: 1},
    {key: "4", label: "4 days/s", daysPerSecond: 4},
    {key: "15", label: "15 days/s", daysPerSecond: 15},
    {key: "30", label: "30 days/s", daysPerSecond: 30}
  ];
  var DEFAULT_SPEED = "4"; // the year in 91 s: slow enough to read the caption as it goes
  var SETTLE_MS = 250; // a day held this long without another is the one the server hears
  var EVENT_HOLD_MS = 1200; // "events only" rests this long on each event day
  var PULSE_MS = 1200; // how long a place that changed colour is outlined while playing...
  var MARK_MS = 400; // ...or, at 15 days/s and more, held outlined without animation: cheaper to draw
  var ANNOUNCE_LATEST_MS = 1000; // the first paint is announced by then even if no frame came
  var CONTEXT_SLICE = 300; // faint counties drawn per idle moment: a slice takes about 20 ms
  // CSS px around a city's dot that a click reaches it by: a target of at least 24 px at any zoom, with a
  // pixel to spare for the rounding of the pointer's position.
  var HIT_RADIUS = 13;
  var CITY_LABELS_FROM = 5.5; // zoom from which cities' names are written (where they do not collide)
  var MAX_ZOOM = 11;
  var HINT_MS = 1600; // how long "Ctrl + scroll to zoom" stays after a wheel that scrolled the page

  // ---------------------------------------------------------------------------------------------
  // Days: an index counted from the payload's first day (0 = 1 January 2017), calendar days in UTC.

  function utcOf(iso) {
    var parts = String(iso).split("-");
    return Date.UTC(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]));
  }

  function dayIndex(iso, firstIso) {
    return Math.round((utcOf(iso) - utcOf(firstIso)) / DAY_MS);
  }

  function isoDay(index, firstIso) {
    return new Date(utcOf(firstIso) + index * DAY_MS).toISOString().slice(0, 10);
  }

  // How a day is written: the payload's label, as the server writes it (year.day_label, or where room is
  // short year.short_day_label). The page formats no date itself.
  function dayLabel(payload, index, short) {
    var labels = payload.day_labels && payload.day_labels[index];
    return labels ? labels[short ? 1 : 0] : isoDay(index, payload.first_day);
  }

  function clamp(value, low, high) {
    return Math.max(low, Math.min(high, value));
  }

  // The same day of the next (direction 1) or previous (-1) month, or that month's last day if it is
  // shorter (31 January -> 28 February); kept within 0..lastIndex.
  function monthStep(index, direction, firstIso, lastIndex) {
    var d = new Date(utcOf(firstIso) + index * DAY_MS);
    var year = d.getUTCFullYear(), month = d.getUTCMonth() + direction;
    var length = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    var target = Date.UTC(year, month, Math.min(d.getUTCDate(), length));
    return clamp(Math.round((target - utcOf(firstIso)) / DAY_MS), 0, lastIndex);
  }

  // ---------------------------------------------------------------------------------------------
  // Lookups in the payload (README.md, "The changes payload").

  // The category on ``day`` of one place: that of its latest change on or before the day, or 0 (the
  // dimension's baseline) if it has none. ``flat`` is [day, category, day, category, ...], days ascending.
  function categoryOn(flat, day) {
    var low = 0, high = flat.length / 2 - 1, found = -1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (flat[2 * middle] <= day) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found < 0 ? 0 : flat[2 * found + 1];
  }

  // The category of every place on ``day`` in one dimension of the payload.
  function categoriesOn(dimension, day) {
    var out = new Array(dimension.changes.length);
    for (var i = 0; i < out.length; i++) out[i] = categoryOn(dimension.changes[i], day);
    return out;
  }

  // Two days compared: per place, whether its category differs between ``day`` and ``otherDay``, and its
  // category on the later of the two (the one a changed place is coloured by).
  function compareOn(dimension, day, otherDay) {
    var here = categoriesOn(dimension, day), there = categoriesOn(dimension, otherDay);
    var later = otherDay > day ? there : here;
    var changed = new Array(here.length);
    for (var i = 0; i < here.length; i++) changed[i] = here[i] !== there[i];
    return {categories: later, changed: changed};
  }

  function dimensionOf(payload, key) {
    for (var i = 0; i < payload.dimensions.length; i++) {
      if (payload.dimensions[i].key === key) return payload.dimensions[i];
    }
    return payload.dimensions[0];
  }

  function eventDays(payload) {
    return payload.events.map(function (entry) { return entry[0]; });
  }

  // The nearest event day strictly after (direction 1) or before (-1) ``day``, or null.
  function neighbourEventDay(days, day, direction) {
    var low = 0, high = days.length;
    if (direction > 0) {
      while (low < high) {
        var m = (low + high) >> 1;
        if (days[m] <= day) low = m + 1; else high = m;
      }
      return low < days.length ? days[low] : null;
    }
    while (low < high) {
      var n = (low + high) >> 1;
      if (days[n] < day) low = n + 1; else high = n;
    }
    return low > 0 ? days[low - 1] : null;
  }

  function placeNames(payload, indexes) {
    var names = indexes.map(function (i) { return payload.places[i][1]; });
    if (names.length > 2) return names.slice(0, 2).join(", ") + " and " + (names.length - 2) + " more";
    return names.join(" and ");
  }

  // The one line the map shows under its day: "22 Aug 2017 · Los Angeles, CA: Lawsuit filed".
  // Plain text, for textContent: names come from the records and are never read as markup.
  function captionText(payload, day) {
    var label = dayLabel(payload, day, true);
    var low = 0, high = payload.events.length - 1, entry = null;
    while (low <= high) {
      var m = (low + high) >> 1;
      if (payload.events[m][0] === day) { entry = payload.events[m]; break; }
      if (payload.events[m][0] < day) low = m + 1; else high = m - 1;
    }
    if (!entry) return label + " · no event recorded";
    var parts = entry[2].map(function (event) {
      var who = placeNames(payload, event[1]);
      var known = event[2] === "month" ? " (day not known)" : event[2] === "year" ? " (only the year known)" : "";
      return (who ? who + ": " : "") + payload.kinds[event[0]] + known;
    });
    var more = entry[1] - entry[2].length;
    if (more > 0) parts.push("and " + more + " more event" + (more > 1 ? "s" : ""));
    return label + " · " + parts.join(" · ");
  }

  // The day a replay shows ``elapsedMs`` after it left ``startDay`` at ``daysPerSecond``.
  function playDay(startDay, elapsedMs, daysPerSecond, lastIndex) {
    return Math.min(lastIndex, startDay + Math.floor((elapsedMs * daysPerSecond) / 1000));
  }

  // The cities within ``radius`` px of (x, y), nearest first: ``points`` is [[x, y], ...] in px.
  function pointsNear(points, x, y, radius) {
    var near = [];
    for (var i = 0; i < points.length; i++) {
      var d = Math.hypot(points[i][0] - x, points[i][1] - y);
      if (d <= radius) near.push([d, i]);
    }
    near.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return near.map(function (pair) { return pair[1]; });
  }

  // Which labels to write: ``boxes`` are {left, top, right, bottom} in px, in order of priority; a label
  // is written unless it overlaps one written before it (``gap`` px of air kept around each).
  function fittingLabels(boxes, gap) {
    var kept = [], shown = new Array(boxes.length);
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i], clear = !!b;
      for (var k = 0; clear && k < kept.length; k++) {
        var o = kept[k];
        if (b.left < o.right + gap && o.left < b.right + gap && b.top < o.bottom + gap && o.top < b.bottom + gap) clear = false;
      }
      shown[i] = clear;
      if (clear) kept.push(b);
    }
    return shown;
  }

  // The event day nearest to ``day`` (ties to the earlier), or null if there is none.
  function nearestEventDay(days, day) {
    var best = null;
    for (var i = 0; i < days.length; i++) {
      if (best === null || Math.abs(days[i] - day) < Math.abs(best - day)) best = days[i];
    }
    return best;
  }

  // ---------------------------------------------------------------------------------------------
  // The page: everything below needs Leaflet and a DOM.

  var state = null;

  function element(tag, className, parent) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (parent) parent.appendChild(node);
    return node;
  }

  function tooltipNode(name, line) {
    var box = element("div");
    element("strong", null, box).textContent = name;
    element("div", null, box).textContent = line;
    return box;
  }

  function fetchJson(url) {
    return bridge.fetched(url).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status + " for " + url.split("?")[0]);
      return response.json().catch(function () {
        throw new Error("invalid JSON in " + url.split("?")[0]);
      });
    });
  }

  function setupMap(map, config) {
    var panes = {states: 405, context: 408, counties: 410, outlines: 415, cities: 420, labels: 430};
    Object.keys(panes).forEach(function (name) {
      map.createPane(name).style.zIndex = panes[name];
    });
    // Faint context and names are drawn above the state fills but must never catch a hover or a click.
    ["context", "outlines", "labels"].forEach(function (name) { map.getPane(name).style.pointerEvents = "none"; });
    // A click into the map focuses it without scrolling Streamlit's page (the first click was lost).
    bridge.focusWithoutScrolling(map);
    // Quarter zoom steps, so that the first view fits the map's size (a phone's too); whole steps on +/-.
    map.options.zoomSnap = 0.25;
    map.setMaxZoom(MAX_ZOOM);
    var box = map.getContainer();
    // The frame's main landmark with its heading, and the frame named after the map: what a screen reader lists.
    box.setAttribute("role", "main");
    box.setAttribute("aria-label", config.title || "Map");
    var heading = element("h1", "sm-visually-hidden");
    heading.textContent = config.title || "Map";
    box.insertBefore(heading, box.firstChild);
    try {
      if (window.frameElement && config.title) window.frameElement.title = config.title;
    } catch (error) { /* a frame of another origin keeps its own title */ }
    wheelOnlyWhenEngaged(map);
  }

  // The wheel scrolls the page, as it does over any picture, until the reader engages the map (a click
  // into it); Ctrl/⌘ + wheel zooms at once, and a wheel that scrolled says so for a moment.
  function wheelOnlyWhenEngaged(map) {
    var box = map.getContainer();
    var hint = element("div", "sm-wheel-hint", box);
    hint.textContent = (/Mac|iP/.test(navigator.platform || "") ? "⌘" : "Ctrl") + " + scroll to zoom the map, or click the map first";
    hint.hidden = true;
    var timer = null;
    box.setAttribute("data-engaged", "false");
    function engage(on) {
      box.setAttribute("data-engaged", String(on));
      if (on) hint.hidden = true;
    }
    box.addEventListener("mousedown", function (event) {
      if (!event.target.closest(".leaflet-control")) engage(true);
    });
    box.addEventListener("mouseleave", function () { engage(false); });
    // Capture, on the container itself: Leaflet's own wheel listener there never hears a refused wheel.
    box.addEventListener("wheel", function (event) {
      if (box.getAttribute("data-engaged") === "true" || event.ctrlKey || event.metaKey) return;
      if (event.target.closest && event.target.closest(".leaflet-control, .sm-chooser")) return;
      event.stopImmediatePropagation();
      hint.hidden = false;
      clearTimeout(timer);
      timer = setTimeout(function () { hint.hidden = true; }, HINT_MS);
    }, {capture: true, passive: true});
  }

  // --- Controls: the timeline (bottom), the legend (top), messages (centre).

  // Leaflet classes, made when the page starts (Node, which runs the pure part's tests, has no Leaflet).
  function controlClasses() {
    var Timeline = L.Control.extend({
      options: {position: "bottomright"}, // above Leaflet's attribution, stretched across the map
      onAdd: function () {
        var box = element("div", "sm-replay");
        var caption = element("div", "sm-caption", box);
        caption.setAttribute("data-caption", "");
        // While the year plays, the page beside the map stays on the day it last heard: said here.
        var panelNote = element("div", "sm-panel-note", box);
        panelNote.hidden = true;
        var row = element("div", "sm-replay-row", box);
        var play = element("button", "sm-play", row);
        play.type = "button";
        play.setAttribute("aria-label", "Play");
        play.setAttribute("aria-pressed", "false");
        play.title = "Play or pause the year";
        var speed = element("select", "sm-speed", row);
        speed.setAttribute("aria-label", "Speed");
        SPEEDS.forEach(function (s) {
          var option = element("option", null, speed);
          option.value = s.key;
          option.textContent = s.label;
        });
        speed.value = DEFAULT_SPEED;
        var eventsOnly = element("button", "sm-events-only", row);
        eventsOnly.type = "button";
        eventsOnly.textContent = "Events only";
        eventsOnly.setAttribute("aria-pressed", "false");
        eventsOnly.title = "Play from one day with events to the next, resting on each";
        var previous = element("button", "sm-step sm-previous", row);
        previous.type = "button";
        previous.textContent = "‹ event";
        previous.setAttribute("aria-label", "Previous event");
        previous.title = "The previous day on which something happened";
        var track = element("div", "sm-track", row);
        var slider = element("input", "sm-day", track);
        slider.type = "range";
        slider.min = "0";
        slider.step = "1";
        slider.setAttribute("aria-label", "Day");
        // When things happened: a tick per day with events, taller for more; a click goes to the day.
        var ticks = document.createElementNS("http://www.w3.org/2000/svg", "svg");
        ticks.setAttribute("class", "sm-ticks");
        ticks.setAttribute("role", "img");
        ticks.setAttribute("aria-label", "Days with events: the taller the tick, the more events. Click one to go to its day.");
        ticks.setAttribute("preserveAspectRatio", "none");
        track.appendChild(ticks);
        var next = element("button", "sm-step sm-next", row);
        next.type = "button";
        next.textContent = "event ›";
        next.setAttribute("aria-label", "Next event");
        next.title = "The next day on which something happened";
        var label = element("span", "sm-day-label", row);
        label.setAttribute("aria-hidden", "true");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        this.parts = {box: box, caption: caption, panelNote: panelNote, play: play, speed: speed, eventsOnly: eventsOnly,
          previous: previous, slider: slider, ticks: ticks, next: next, label: label};
        return box;
      }
    });

    // The legend: a bar across the top of the map, which the first view leaves free; its title is a
    // button that folds it away.
    var Legend = L.Control.extend({
      options: {position: "topright"},
      onAdd: function () {
        var box = element("div", "sm-legend");
        var toggle = element("button", "sm-legend-toggle", box);
        toggle.type = "button";
        toggle.setAttribute("aria-expanded", "true");
        toggle.setAttribute("aria-controls", "sm-legend-items");
        toggle.title = "Show or hide the legend";
        element("span", "sm-visually-hidden", toggle).textContent = "Legend: ";
        this.title = element("span", "sm-legend-title", toggle);
        element("span", "sm-legend-chevron", toggle).setAttribute("aria-hidden", "true");
        this.items = element("div", "sm-legend-items", box);
        this.items.id = "sm-legend-items";
        this.note = element("div", "sm-legend-note", this.items);
        this.note.hidden = true;
        var items = this.items;
        toggle.addEventListener("click", function () {
          var open = toggle.getAttribute("aria-expanded") !== "true";
          toggle.setAttribute("aria-expanded", String(open));
          items.hidden = !open;
        });
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        this.box = box;
        this.toggle = toggle;
        this.shown = null;
        return box;
      },
      // A line under the items: what the colours mean while two days are compared, or nothing.
      showNote: function (text) {
        this.note.textContent = text;
        this.note.hidden = !text;
      },
      // The dimension's categories, each with its swatch (and its faded one while two days are
      // compared), and the map's ground, "No record". Colours come from the payload, never from here.
      show: function (dimension, comparing, noRecord) {
        var key = dimension.key + "|" + comparing;
        if (this.shown === key) return;
        this.shown = key;
        var box = this.box, items = this.items, note = this.note;
        box.setAttribute("data-legend", dimension.label);
        this.title.textContent = dimension.label;
        Array.prototype.slice.call(items.children).forEach(function (child) { if (child !== note) items.removeChild(child); });
        function item(text, colour, faded, className, term) {
          var row = element("div", "sm-legend-item" + (className ? " " + className : ""));
          items.insertBefore(row, note);
          element("span", "sm-swatch", row).style.background = colour;
          if (faded) element("span", "sm-swatch-faded", row).style.background = faded;
          // A category the glossary explains opens its entry on the page beside the map (static/js/page.js
          // listens): a link inside the frame would resolve against the frame's own address.
          var label = element(term ? "button" : "span", "sm-legend-label", row);
          label.textContent = text;
          if (term) {
            label.type = "button";
            label.classList.add("sm-legend-term");
            label.title = "What this means";
            label.addEventListener("click", function () {
              window.parent.postMessage({type: "sanctuarymap:glossary", key: term}, window.location.origin);
            });
          }
        }
        dimension.labels.forEach(function (text, i) {
          item(text, dimension.colours[i], comparing ? dimension.faded[i] : null, null, dimension.terms[i]);
        });
        if (noRecord) item(noRecord[0], noRecord[1], null, "sm-legend-blank");
      }
    });
    return {Timeline: Timeline, Legend: Legend};
  }

  function showMessage(text, retry) {
    var box = state.message;
    box.textContent = "";
    box.hidden = !text;
    if (!text) return;
    element("div", "sm-message-text", box).textContent = text;
    if (retry) {
      box.setAttribute("role", "alert");
      var button = element("button", "sm-retry", box);
      button.type = "button";
      button.textContent = "Retry";
      button.addEventListener("click", retry);
    } else {
      box.removeAttribute("role");
    }
  }

  // The least room, in pixels, the first view is fitted into (else it waits for the frame's size).
  var MIN_HOME_ROOM = 60;

  // The first view: the whole country, as large as the room between the legend and the timeline allows.
  function fitHome() {
    var map = state.map, home = state.config.home;
    if (!home) return;
    var box = map.getContainer().getBoundingClientRect();
    var legend = state.legend.box.getBoundingClientRect();
    var timeline = state.timeline.parts.box.getBoundingClientRect();
    var top = Math.max(10, legend.bottom - box.top + 6), bottom = Math.max(10, box.bottom - timeline.top + 6);
    // No room yet between the legend and the timeline (the frame painted before it had its size): Leaflet would
    // fit the country at its largest zoom. watchHomeRoom fits it again once the room is there.
    if (box.width < MIN_HOME_ROOM || box.height - top - bottom < MIN_HOME_ROOM) return;
    state.fittingHome = true;
    map.setMinZoom(0);
    map.fitBounds(home, {paddingTopLeft: [10, top], paddingBottomRight: [10, bottom], animate: false});
    map.setMinZoom(Math.max(0, Math.floor(map.getZoom()) - 1));
    state.fittingHome = false;
    map.getContainer().setAttribute("data-home-zoom", String(map.getZoom()));
  }

  // The home view follows the room the legend and the timeline leave it, until anything else moves the map (the
  // reader, a place found, a key moment). On a busy machine the frame can be painted before it has its size, or
  // before the map's stylesheet has given the legend and the timeline theirs; neither need change the frame's
  // size, so Leaflet's own resize event cannot be waited for.
  function watchHomeRoom() {
    if (typeof ResizeObserver === "undefined") return;
    var map = state.map;
    map.on("movestart", function () { if (!state.fittingHome) state.leftHome = true; });
    var observer = new ResizeObserver(function () {
      if (state.leftHome || state.appliedFitSet != null) {
        observer.disconnect();
        return;
      }
      state.fittingHome = true;
      map.invalidateSize({pan: false});
      state.fittingHome = false;
      fitHome();
    });
    [map.getContainer(), state.legend.box, state.timeline.parts.box].forEach(function (part) { observer.observe(part); });
  }

  // --- Shapes.

  function draw(bundle, data) {
    var map = state.map;
    var byKey = {};
    data.shapes.forEach(function (row) { byKey[row[0]] = row[1]; });
    var entries = [];
    var byPlace = {};

    function recorded(layerName) {
      return function (feature) { return (layerName + ":" + feature.id) in byKey; };
    }
    function track(layerName) {
      return function (feature, layer) {
        var place = byKey[layerName + ":" + feature.id];
        var entry = {layer: layer, place: place, id: data.places[place][0], name: data.places[place][1],
          city: layerName === "cities", weight: layer.options.weight, look: null, label: ""};
        entries.push(entry);
        (byPlace[place] = byPlace[place] || []).push(entry);
        layer.bindTooltip(function () { return tooltipNode(entry.name, entry.label); }, {sticky: true});
      };
    }

    // Every fill is opaque: a place shows exactly its legend colour, a county over its state too. The
    // lines' colours are the stylesheet's (path.shape rules).
    L.geoJSON(bundle.states, {pane: "states", filter: recorded("states"),
      style: {weight: 1, fillOpacity: 1, opacity: 1, className: "shape state"},
      onEachFeature: track("states")}).addTo(map);
    L.geoJSON(bundle.counties, {pane: "counties", filter: recorded("counties"),
      style: {weight: 0.6, fillOpacity: 1, opacity: 1, className: "shape county"},
      onEachFeature: track("counties")}).addTo(map);
    L.geoJSON(bundle.cities, {filter: recorded("cities"),
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, {pane: "cities", radius: 6, weight: 1.2, fillOpacity: 1, opacity: 1, className: "shape city"});
      },
      onEachFeature: track("cities")}).addTo(map);
    var byPath = new Map();
    entries.forEach(function (entry) {
      var path = entry.layer.getElement && entry.layer.getElement();
      if (!path) return;
      byPath.set(path, entry);
      path.setAttribute("data-jurisdiction", entry.id);
      // Leaflet makes every shape with a tooltip a Tab stop: hundreds of them between the page's top and
      // everything after the map. Keyboard users reach a place through Find a place or the day's table.
      path.setAttribute("tabindex", "-1");
    });
    state.entries = entries;
    state.byPlace = byPlace;
    state.byPath = byPath;
    state.cities = entries.filter(function (entry) { return entry.city; });
    // The palette is the payload's: the ground's colour, and the lines' as the stylesheet's variables.
    map.getContainer().style.background = data.no_record ? data.no_record[1] : "";
    var strokes = data.strokes || {};
    Object.keys(strokes).forEach(function (name) { map.getContainer().style.setProperty("--sm-" + name, strokes[name]); });
    drawLabels(data);
    // Thousands of faint context shapes, drawn once the coloured ones are on screen and the page has a
    // moment: one canvas draws them far faster than as many SVG paths, and they are only there to
    // situate the rest. They come in slices, one per idle moment, so no slice holds up a frame or a key.
    var isRecorded = recorded("counties");
    var rest = bundle.counties.filter(function (f) { return !isRecorded(f); });
    var counties = L.canvas({padding: 0.5, pane: "context"});
    var slices = [];
    for (var i = 0; i < rest.length; i += CONTEXT_SLICE) slices.push(rest.slice(i, i + CONTEXT_SLICE));
    function drawSlice() {
      var slice = slices.shift();
      if (slice) {
        L.geoJSON(slice, {pane: "context", interactive: false, renderer: counties,
          style: {weight: 0.3, color: strokes["context-line"], fill: false}}).addTo(map);
        return later(drawSlice);
      }
      L.geoJSON(bundle.states, {pane: "outlines", interactive: false, renderer: L.canvas({padding: 0.5, pane: "outlines"}),
        style: {weight: 0.9, color: strokes["state-line"], fill: false}}).addTo(map);
      map.getContainer().setAttribute("data-context", "drawn");
    }
    later(drawSlice);
  }

  function later(task) {
    if (window.requestIdleCallback) window.requestIdleCallback(task, {timeout: 1500});
    else setTimeout(task, 50);
  }

  // --- Names on the map: every state's where its shape is wide enough, recorded cities' from a zoom on,
  // none over another.

  function drawLabels(data) {
    if (state.labelLayer) state.labelLayer.remove();
    state.labelLayer = L.layerGroup().addTo(state.map);
    state.labels = (data.labels || []).map(function (row) {
      var text = element("span", "sm-label-text");
      text.textContent = row[0];
      var marker = L.marker([row[1], row[2]], {pane: "labels", interactive: false, keyboard: false,
        icon: L.divIcon({className: "sm-label sm-label-" + row[3], html: text, iconSize: null})}).addTo(state.labelLayer);
      return {marker: marker, text: text, name: row[0], kind: row[3], lat: row[1], lng: row[2], west: row[4], east: row[5], width: 0, height: 0};
    });
    placeLabels();
  }

  function placeLabels() {
    var map = state.map, zoom = map.getZoom();
    if (!state.labels) return;
    var boxes = state.labels.map(function (label) {
      if (!label.width) {
        label.width = label.text.offsetWidth;
        label.height = label.text.offsetHeight;
      }
      var at = map.latLngToContainerPoint([label.lat, label.lng]);
      var w = label.width, h = label.height;
      if (label.kind === "state") {
        var span = map.latLngToContainerPoint([label.lat, label.east]).x - map.latLngToContainerPoint([label.lat, label.west]).x;
        if (span < w + 8) return null;
        return {left: at.x - w / 2, right: at.x + w / 2, top: at.y - h / 2, bottom: at.y + h / 2};
      }
      if (zoom < CITY_LABELS_FROM) return null;
      return {left: at.x + 8, right: at.x + 8 + w, top: at.y - h / 2, bottom: at.y + h / 2};
    });
    var shown = fittingLabels(boxes, 2), count = 0;
    state.labels.forEach(function (label, i) {
      label.text.style.visibility = shown[i] ? "" : "hidden";
      label.text.setAttribute("data-shown", String(shown[i]));
      if (shown[i]) count += 1;
    });
    map.getContainer().setAttribute("data-labels", String(count));
  }

  // --- A click: the city whose point is within HIT_RADIUS px (a 24 px target however small its dot), or
  // a chooser naming every place there, or the shape under the pointer; never a neighbour in silence.

  function onMapClick(event) {
    closeChooser();
    if (!state.data || !state.entries) return;
    // The pointer's own position: Leaflet gives a click on a small circle the circle's centre instead.
    var map = state.map, at = event.originalEvent ? map.mouseEventToContainerPoint(event.originalEvent) : event.containerPoint;
    // Where each dot is drawn (Leaflet rounds it to the pixel), not where its point would project.
    var origin = map.getContainer().getBoundingClientRect();
    var points = state.cities.map(function (entry) {
      var path = entry.layer.getElement(), b = path && path.getBoundingClientRect();
      if (!b || !b.width) return [Infinity, Infinity];
      return [b.left + b.width / 2 - origin.left, b.top + b.height / 2 - origin.top];
    });
    var near = pointsNear(points, at.x, at.y, HIT_RADIUS).map(function (i) { return state.cities[i]; });
    var target = event.originalEvent && event.originalEvent.target;
    var under = target && state.byPath.get(target);
    var box = map.getContainer();
    box.setAttribute("data-clicks", String((Number(box.getAttribute("data-clicks")) || 0) + 1));
    // One city, and the pointer on it or on no other shape: that city. A city near a click on a county
    // or a state, or several cities: the reader says which.
    if (near.length === 1 && (!under || under === near[0])) return choose(near[0]);
    if (near.length === 0) return under ? choose(under) : undefined;
    if (under && !under.city) near.push(under);
    openChooser(at, near);
  }

  function openChooser(at, choices) {
    var map = state.map, container = map.getContainer();
    var box = element("div", "sm-chooser", container);
    box.setAttribute("role", "group");
    var title = element("div", "sm-chooser-title", box);
    title.id = "sm-chooser-title";
    title.textContent = choices.length + " places here: which one?";
    box.setAttribute("aria-labelledby", title.id);
    var list = element("ul", null, box);
    choices.forEach(function (entry) {
      var button = element("button", "sm-choice", element("li", null, list));
      button.type = "button";
      button.textContent = entry.name;
      button.setAttribute("data-jurisdiction", entry.id);
      button.addEventListener("click", function () {
        closeChooser();
        choose(entry);
      });
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        closeChooser();
        container.focus({preventScroll: true});
      }
    });
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    // Beside the pointer, kept inside the map: the map does not move under the reader.
    var size = map.getSize();
    var left = Math.min(at.x + 10, size.x - box.offsetWidth - 6), top = Math.min(at.y + 10, size.y - box.offsetHeight - 6);
    box.style.left = Math.max(6, left) + "px";
    box.style.top = Math.max(6, top) + "px";
    state.chooser = box;
    container.setAttribute("data-chooser", "open");
    box.querySelector("button").focus({preventScroll: true});
  }

  function closeChooser() {
    if (!state.chooser) return;
    state.chooser.remove();
    state.chooser = null;
    state.map.getContainer().removeAttribute("data-chooser");
  }

  // --- Painting a day.

  // A place's look: its fill (opaque: exactly a legend swatch), its outline when selected.
  function restyle(entry, colour, selected) {
    entry.layer.setStyle({fillColor: colour, weight: selected ? 3 : entry.weight});
    var path = entry.layer.getElement && entry.layer.getElement();
    if (path) path.classList.toggle("sm-selected", selected);
    if (selected) entry.layer.bringToFront();
  }

  // Outline a place whose colour just changed: an animated pulse at slow speeds; at 15 days/s and
  // more a plain outline for a moment, since hundreds of animated paths at once would slow the replay.
  function pulse(entry, now, fast) {
    var path = entry.layer.getElement && entry.layer.getElement();
    if (!path) return;
    var name = fast ? "sm-mark" : "sm-pulse";
    if (path.classList.contains(name)) {
      if (fast) {
        state.pulsing.set(entry, now + MARK_MS);
        return;
      }
      path.classList.remove(name);
      path.getBoundingClientRect(); // restart the animation
    }
    path.classList.add(name);
    state.pulsing.set(entry, now + (fast ? MARK_MS : PULSE_MS));
  }

  function endPulses(now) {
    state.pulsing.forEach(function (until, entry) {
      if (until > now) return;
      var path = entry.layer.getElement && entry.layer.getElement();
      if (path) path.classList.remove("sm-pulse", "sm-mark");
      state.pulsing.delete(entry);
    });
  }

  // Paint ``day`` in the current colouring. ``marking`` outlines the places whose colour changed
  // since the day painted before (while playing).
  function paint(day, marking) {
    var data = state.data, view = state.view;
    if (!data || !view || !state.entries) return;
    var dimension = dimensionOf(data, view.colour);
    var otherDay = view.compare == null ? null : clamp(dayIndex(view.compare, data.first_day), 0, state.lastIndex);
    var compared = otherDay === null ? null : compareOn(dimension, day, otherDay);
    var categories = compared ? compared.categories : categoriesOn(dimension, day);
    var previous = state.painted && state.painted.dimension === dimension ? state.painted.categories : null;
    var now = performance.now();
    var marked = 0;
    var fast = marking && (speed().daysPerSecond || 0) >= 15;
    // While two days are compared, a place's look also depends on the other day: every one is looked at.
    var same = previous && state.painted.selected === view.selected && !compared && state.painted.compare === null;
    // A day changes few places: when only the day moved, touch only the places whose category did,
    // which keeps a replay of thousands of shapes smooth; otherwise (colouring, selection) every one.
    for (var place = 0; place < categories.length; place++) {
      var category = categories[place];
      if (same && previous[place] === category) continue;
      var entries = state.byPlace[place];
      if (!entries) continue;
      for (var i = 0; i < entries.length; i++) {
        var entry = entries[i];
        var selected = entry.id === view.selected;
        var changed = compared ? compared.changed[place] : null;
        var look = dimension.key + "|" + category + "|" + selected + "|" + changed;
        if (entry.look !== look) {
          entry.look = look;
          entry.label = dimension.label + ": " + dimension.labels[category] + (changed === false ? " (no change)" : "");
          restyle(entry, (changed === false ? dimension.faded : dimension.colours)[category], selected);
          var path = entry.layer.getElement && entry.layer.getElement();
          if (path) {
            path.setAttribute("data-category", dimension.labels[category]);
            if (changed === null) path.removeAttribute("data-changed");
            else path.setAttribute("data-changed", String(changed));
          }
        }
        if (marking && previous && previous[place] !== category) {
          pulse(entry, now, fast);
          marked += 1;
          // The outline lasts a moment; the day it marked the place stays, for whoever checks later.
          var markedPath = entry.layer.getElement && entry.layer.getElement();
          if (markedPath) markedPath.setAttribute("data-marked", isoDay(day, data.first_day));
        }
      }
    }
    endPulses(now);
    // The outline fades by itself (CSS); its class goes once it has, even if the replay stopped meanwhile.
    if (marked) setTimeout(function () { endPulses(performance.now()); }, (fast ? MARK_MS : PULSE_MS) + 20);
    state.painted = {dimension: dimension, categories: categories, day: day, selected: view.selected, compare: otherDay};
    state.day = day;
    var box = state.map.getContainer();
    box.setAttribute("data-day", isoDay(day, data.first_day));
    box.setAttribute("data-restyled", (Number(box.getAttribute("data-restyled")) || 0) + 1);
    if (marking) box.setAttribute("data-marked", String(marked));
    if (view.selected) box.setAttribute("data-selected", view.selected);
    else box.removeAttribute("data-selected");
    state.legend.show(dimension, otherDay !== null, data.no_record);
    state.legend.showNote(otherDay === null ? "" : "Compared with " + dayLabel(data, otherDay) +
      ": a place whose category differs has its full colour, that of the later day; one that did not change is pale.");
    if (otherDay === null) box.removeAttribute("data-compare");
    else box.setAttribute("data-compare", isoDay(otherDay, data.first_day));
    var parts = state.timeline.parts;
    parts.slider.value = String(day);
    parts.slider.setAttribute("aria-valuetext", dayLabel(data, day));
    parts.label.textContent = dayLabel(data, day, true);
    parts.caption.textContent = captionText(data, day);
    showPanelNote();
  }

  // While the year plays, the page beside the map stays on the day the server last heard (it follows
  // once the replay pauses): the timeline says which day that is whenever it differs from the map's.
  function showPanelNote() {
    var note = state.timeline.parts.panelNote, data = state.data;
    var behind = state.playing && data && state.serverDay && state.serverDay !== isoDay(state.day, data.first_day);
    note.hidden = !behind;
    if (behind) note.textContent = "The page beside the map still shows " + dayLabel(data, dayIndex(state.serverDay, data.first_day)) +
      ": pause to bring it to this day.";
  }

  // --- Telling the server: once the day settles, and on a click.

  // ``always``: report the day even if the server has it (the first paint, below).
  function report(click, always) {
    clearTimeout(state.settleTimer);
    state.settleTimer = null;
    var iso = state.data ? isoDay(state.day, state.data.first_day) : state.view && state.view.day;
    if (iso == null || (click == null && iso === state.serverDay && !always)) return;
    state.serverDay = iso;
    state.reports += 1;
    var box = state.map.getContainer();
    box.setAttribute("data-reported", iso);
    box.setAttribute("data-reports", String(state.reports));
    if (click != null) box.setAttribute("data-clicked", click);
    bridge.send({page: state.pageId, seq: state.reports, day: iso, click: click == null ? null : click});
  }

  // The server draws the rest of the page (the controls, the story, the chart) only once it hears from
  // the map: their code would otherwise load alongside the map's and hold up its first paint. Told once,
  // after the first painted frame, or at once if the map could not load: the rest works without it.
  function announce() {
    if (state.announced) return;
    state.announced = true;
    report(null, true);
  }

  function announceOncePainted() {
    requestAnimationFrame(function () { setTimeout(announce, 0); });
    setTimeout(announce, ANNOUNCE_LATEST_MS); // a page in a background tab paints no frame
  }

  function settleSoon() {
    clearTimeout(state.settleTimer);
    state.settleTimer = setTimeout(function () { report(null); }, SETTLE_MS);
  }

  // A day chosen by the reader (key, drag, event buttons).
  function goTo(day) {
    if (!state.data) return;
    if (state.playing) pause(false);
    day = clamp(day, 0, state.lastIndex);
    if (day !== state.day) paint(day, false);
    settleSoon();
  }

  // A place chosen on the map (a click, or the chooser): selected at once, and the server told.
  function choose(entry) {
    if (state.playing) pause(false);
    state.view.selected = entry.id; // shown at once; the server's next view confirms it
    paint(state.day, false);
    report(entry.id);
  }

  // --- Play.

  function speed() {
    if (state.timeline.parts.eventsOnly.getAttribute("aria-pressed") === "true") return {key: "events", daysPerSecond: null};
    var key = state.timeline.parts.speed.value;
    for (var i = 0; i < SPEEDS.length; i++) if (SPEEDS[i].key === key) return SPEEDS[i];
    return SPEEDS[0];
  }

  function play() {
    if (!state.data || state.playing) return;
    var s = speed();
    if (s.daysPerSecond && state.day >= state.lastIndex) paint(0, false);
    if (!s.daysPerSecond && neighbourEventDay(state.eventDays, state.day, 1) === null) paint(0, false);
    state.playing = true;
    clearTimeout(state.settleTimer);
    var button = state.timeline.parts.play;
    button.setAttribute("aria-pressed", "true");
    state.map.getContainer().setAttribute("data-playing", "true");
    // The speed the clock runs at (playDay turns it into days); "events" for events only.
    state.map.getContainer().setAttribute("data-speed", s.daysPerSecond ? String(s.daysPerSecond) : "events");
    restartClock();
    showPanelNote();
    state.frame = requestAnimationFrame(tick);
  }

  function restartClock() {
    state.clock = {start: performance.now(), from: state.day, holdUntil: 0};
  }

  function tick(now) {
    if (!state.playing) return;
    var s = speed();
    if (s.daysPerSecond) {
      var target = playDay(state.clock.from, now - state.clock.start, s.daysPerSecond, state.lastIndex);
      if (target !== state.day) paint(target, true);
      if (target >= state.lastIndex) return pause(true);
    } else if (now >= state.clock.holdUntil) {
      var next = neighbourEventDay(state.eventDays, state.day, 1);
      if (next === null) return pause(true);
      paint(next, true);
      state.clock.holdUntil = now + EVENT_HOLD_MS;
    } else {
      endPulses(now);
    }
    state.frame = requestAnimationFrame(tick);
  }

  // Stop on the day shown, at once; ``tell`` the server now (otherwise a click or a step will).
  function pause(tell) {
    if (!state.playing) return;
    state.playing = false;
    cancelAnimationFrame(state.frame);
    state.timeline.parts.play.setAttribute("aria-pressed", "false");
    state.map.getContainer().removeAttribute("data-playing");
    if (tell) report(null);
    showPanelNote();
  }

  function wireTimeline() {
    var parts = state.timeline.parts;
    parts.play.addEventListener("click", function () {
      if (state.playing) pause(true); else play();
    });
    parts.speed.addEventListener("change", function () {
      if (state.playing) restartClock();
    });
    parts.eventsOnly.addEventListener("click", function () {
      var on = parts.eventsOnly.getAttribute("aria-pressed") !== "true";
      parts.eventsOnly.setAttribute("aria-pressed", String(on));
      parts.speed.disabled = on;
      if (state.playing) {
        state.map.getContainer().setAttribute("data-speed", on ? "events" : String(speed().daysPerSecond));
        restartClock();
      }
    });
    parts.ticks.addEventListener("click", function (event) {
      if (!state.data) return;
      var box = parts.ticks.getBoundingClientRect();
      // A fractional day: the nearest tick wins, however thin the ticks are on a narrow strip.
      var day = ((event.clientX - box.left) / box.width) * (state.lastIndex + 1) - 0.5;
      var to = nearestEventDay(state.eventDays, day);
      if (to !== null) goTo(to);
    });
    parts.previous.addEventListener("click", function () {
      var day = neighbourEventDay(state.eventDays, state.day, -1);
      if (day !== null) goTo(day);
    });
    parts.next.addEventListener("click", function () {
      var day = neighbourEventDay(state.eventDays, state.day, 1);
      if (day !== null) goTo(day);
    });
    parts.slider.addEventListener("input", function () {
      goTo(Number(parts.slider.value));
    });
    parts.slider.addEventListener("keydown", function (event) {
      var first = state.data && state.data.first_day, day = state.day, to = null;
      if (first == null) return;
      switch (event.key) {
        case "ArrowRight": case "ArrowUp": to = day + 1; break;
        case "ArrowLeft": case "ArrowDown": to = day - 1; break;
        case "PageUp": to = monthStep(day, 1, first, state.lastIndex); break;
        case "PageDown": to = monthStep(day, -1, first, state.lastIndex); break;
        case "Home": to = 0; break;
        case "End": to = state.lastIndex; break;
        default: return;
      }
      event.preventDefault();
      event.stopPropagation();
      goTo(to);
    });
  }

  // --- Loading.

  function load() {
    var box = state.map.getContainer();
    box.setAttribute("data-load", "loading");
    showMessage("Loading the map…", null);
    var timing = {start: performance.now()};
    Promise.all([fetchJson(state.config.boundaries), fetchJson(state.config.changes)]).then(function (loaded) {
      timing.fetched = performance.now();
      var data = loaded[1];
      if (!data || !Array.isArray(data.dimensions) || !Array.isArray(data.shapes)) throw new Error("the changes are not in the expected form");
      state.data = data;
      state.lastIndex = dayIndex(data.last_day, data.first_day);
      state.eventDays = eventDays(data);
      state.timeline.parts.slider.max = String(state.lastIndex);
      drawTicks(data);
      draw(loaded[0], data);
      showMessage("", null);
      box.setAttribute("data-shapes", String(state.entries.length));
      box.setAttribute("data-load", "ready");
      paintFirstView();
      timing.drawn = performance.now();
      box.setAttribute("data-timing", JSON.stringify(timing));
    }).catch(function (error) {
      if (state.data && state.entries) return; // drawn already: a later error is not a load failure
      state.data = null;
      box.setAttribute("data-load", "failed");
      showMessage("The map could not load its data (" + error.message + ").", function () { load(); });
      announce();
    });
  }

  // A tick per day with events under the slider, its height growing with the square root of their number.
  function drawTicks(data) {
    var svg = state.timeline.parts.ticks, NS = "http://www.w3.org/2000/svg";
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.setAttribute("viewBox", "-0.5 0 " + (state.lastIndex + 1) + " 10");
    var most = Math.max.apply(null, data.events.map(function (entry) { return entry[1]; }).concat([1]));
    data.events.forEach(function (entry) {
      if (entry[0] < 0 || entry[0] > state.lastIndex) return;
      var tall = 2.5 + 7.5 * Math.sqrt(entry[1] / most);
      var tick = document.createElementNS(NS, "rect");
      tick.setAttribute("x", String(entry[0] - 0.5));
      tick.setAttribute("width", "1");
      tick.setAttribute("y", String(10 - tall));
      tick.setAttribute("height", String(tall));
      tick.setAttribute("class", "sm-tick");
      tick.setAttribute("data-day", isoDay(entry[0], data.first_day));
      tick.setAttribute("data-events", String(entry[1]));
      svg.appendChild(tick);
    });
  }

  // Both the data and the server's first view are in: paint the view's day.
  function paintFirstView() {
    if (!state.data || !state.view || !state.entries) return;
    var day = dayIndex(state.view.day, state.data.first_day);
    state.serverDay = isoDay(day, state.data.first_day);
    paint(clamp(day, 0, state.lastIndex), false);
    // Fitted once the legend and the timeline have their size, unless a key moment fitted a region.
    if (state.appliedFitSet == null) fitHome();
    placeLabels();
    announceOncePainted();
  }

  function start(map, config) {
    var box = map.getContainer();
    // The day, in three places, each needed: ``day``, the day index painted (the reader's, moved at
    // once); ``serverDay``, the ISO day the server last heard or set (a report is sent only when the
    // painted day differs from it, and the timeline says so while playing); ``view.day`` with
    // ``view.daySet``, the server's last view: the page moves to its day only when daySet changes (the
    // server itself set the day), and paints it first once the data is in.
    state = {map: map, config: config, data: null, view: null, entries: null, byPlace: null, day: 0, playing: false,
      pulsing: new Map(), reports: 0, announced: false, serverDay: null, settleTimer: null,
      appliedFitSet: null, chooser: null, labels: null, pageId: Math.random().toString(36).slice(2, 10)};
    setupMap(map, config);
    var classes = controlClasses();
    state.timeline = new classes.Timeline().addTo(map);
    state.legend = new classes.Legend().addTo(map);
    state.message = element("div", "sm-message", box);
    state.message.hidden = true;
    L.DomEvent.disableClickPropagation(state.message);
    wireTimeline();
    map.on("click", onMapClick);
    map.on("zoomend", placeLabels);
    map.on("movestart zoomstart", closeChooser);
    fitHome();
    watchHomeRoom();
    load();
  }

  // A rerun's view: {day, daySet, colour, selected}. The day is applied only when the server set it.
  function show(view) {
    if (!state) return;
    var dayChanged = !state.view || view.daySet !== state.view.daySet;
    state.view = {day: view.day, daySet: view.daySet, colour: view.colour, selected: view.selected, compare: view.compare || null};
    // A region to fit (a key moment), once per time the server sets one.
    if (view.fit && view.fitSet !== state.appliedFitSet) {
      state.appliedFitSet = view.fitSet;
      state.map.fitBounds(view.fit, {animate: false});
      state.map.getContainer().setAttribute("data-fit", String(view.fitSet));
    }
    if (!state.data || !state.entries) return; // paintFirstView paints the view's day
    if (dayChanged) {
      if (state.playing) pause(false);
      var day = clamp(dayIndex(view.day, state.data.first_day), 0, state.lastIndex);
      state.serverDay = isoDay(day, state.data.first_day);
      paint(day, false);
    } else {
      paint(state.day, false);
    }
    if (!state.announced) announceOncePainted();
  }

  bridge.connect({start: start, show: show});

  return {
    SPEEDS: SPEEDS,
    dayIndex: dayIndex,
    isoDay: isoDay,
    dayLabel: dayLabel,
    monthStep: monthStep,
    categoryOn: categoryOn,
    categoriesOn: categoriesOn,
    dimensionOf: dimensionOf,
    compareOn: compareOn,
    eventDays: eventDays,
    neighbourEventDay: neighbourEventDay,
    captionText: captionText,
    playDay: playDay,
    pointsNear: pointsNear,
    fittingLabels: fittingLabels,
    nearestEventDay: nearestEventDay,
    start: start,
    show: show
  };
});
