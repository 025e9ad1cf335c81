/* Sanctuary Map 2017: the bridge between the map page (static/js/sanctuarymap.js) and the server
 * (sanctuarymap/page/bridge.py). Everything the two say to each other passes here, and nothing else in the
 * page touches another library's internals.
 *
 * Server -> page: SanctuaryBridge.start(map, config) once (the data's URLs, the first view, the title,
 * the report's JSON Schema), and SanctuaryBridge.show(view) on every rerun; both go to the page that
 * connected. The data's URLs also come in this file's own address (?boundaries=...&changes=...), so
 * their fetches start before the page's script and Leaflet have loaded.
 *
 * Page -> server: send(report), a {page, seq, day, click} checked against the schema first.
 *
 * The internals, each pinned to its version by tests/unit/page/test_contracts.py (bridge.EXPECTED_VERSIONS):
 * - streamlit-folium 0.27.4: its page keeps its state in window.__GLOBAL_DATA__ (the fields st_folium
 *   returns, and previous_data, the value it last sent) and exposes window.Streamlit. A report is
 *   written into the last_object_clicked_popup field, which no shape of ours uses.
 * - Leaflet 1.9.3: the keyboard handler's private _onMouseDown and _focused.
 */
(function (root, factory) {
  "use strict";
  var api = factory(root);
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.SanctuaryBridge = api;
})(typeof window !== "undefined" ? window : globalThis, function (root) {
  "use strict";

  var CHANNEL = "last_object_clicked_popup"; // bridge.CHANNEL: st_folium's field that carries a report
  var page = null; // the map page's {start, show}, connected by sanctuarymap.js as it loads
  var schema = null; // the report's JSON Schema (bridge.REPORT_SCHEMA), handed over by start()
  var early = {}; // fetches started as soon as this file ran, by URL; each is used once

  function connect(handlers) {
    page = handlers;
  }

  function start(map, config) {
    schema = config.report || null;
    page.start(map, config);
  }

  function show(view) {
    if (page) page.show(view);
  }

  // --- The report's schema: the subset of JSON Schema pydantic writes for bridge.Report (type, anyOf,
  // properties, required, lengths in code points, pattern, bounds). Returns the problems; none: it conforms.

  function typeOf(value) {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
  }

  function problems(value, rule, where) {
    if (rule.anyOf) {
      var fits = rule.anyOf.some(function (option) { return problems(value, option, where).length === 0; });
      return fits ? [] : [where + " is none of the types allowed"];
    }
    var type = typeOf(value);
    if (rule.type && rule.type !== type && !(rule.type === "number" && type === "integer")) return [where + " is not a " + rule.type];
    var found = [];
    var length = type === "string" ? Array.from(value).length : 0;
    if (rule.minLength != null && length < rule.minLength) found.push(where + " is shorter than " + rule.minLength);
    if (rule.maxLength != null && length > rule.maxLength) found.push(where + " is longer than " + rule.maxLength);
    if (rule.pattern != null && type === "string" && !new RegExp(rule.pattern).test(value)) found.push(where + " is not of the form " + rule.pattern);
    if (rule.minimum != null && value < rule.minimum) found.push(where + " is below " + rule.minimum);
    if (rule.maximum != null && value > rule.maximum) found.push(where + " is above " + rule.maximum);
    (rule.required || []).forEach(function (name) {
      if (!Object.prototype.hasOwnProperty.call(value, name)) found.push(where + "." + name + " is missing");
    });
    Object.keys(rule.properties || {}).forEach(function (name) {
      if (type === "object" && Object.prototype.hasOwnProperty.call(value, name)) {
        found = found.concat(problems(value[name], rule.properties[name], where + "." + name));
      }
    });
    return found;
  }

  // --- Page -> server.

  // Send ``report`` to the server; false if it was not sent: it breaks the schema (a bug of the page,
  // said in the console), or the map is a plain HTML page with no server to tell.
  function send(report) {
    var wrong = schema ? problems(report, schema, "report") : [];
    if (wrong.length) {
      if (root.console) root.console.error("SanctuaryBridge: report not sent: " + wrong.join("; "));
      return false;
    }
    var global = root.__GLOBAL_DATA__;
    if (!global || !root.Streamlit) return false;
    var value = JSON.stringify(report);
    // st_folium sends back the fields it was asked for: this one carries the report.
    global[CHANNEL] = value;
    var sent = {};
    sent[CHANNEL] = value;
    global.previous_data = sent; // its own debounced update then finds nothing new to send
    root.Streamlit.setComponentValue(sent);
    return true;
  }

  // --- Leaflet's internals.

  // Leaflet focuses the map on mousedown and scrolls the window back; inside Streamlit's scrolling page
  // that focus scrolled the map, so the release landed on another shape and the first click was lost.
  // The keyboard handler focuses without scrolling instead.
  function focusWithoutScrolling(map) {
    if (!map.keyboard) return;
    map.keyboard.disable();
    map.keyboard._onMouseDown = function () {
      if (!this._focused) map.getContainer().focus({preventScroll: true});
    };
    map.keyboard.enable();
  }

  // --- The data's URLs, fetched early.

  // maps.base_map lists this file first, with the data's URLs in its own address: the fetches start
  // while the page's script and Leaflet load. start()'s config stays the source of the URLs; a URL not
  // fetched early is fetched when asked for.
  function prefetch() {
    var script = typeof document !== "undefined" && document.currentScript;
    if (!script || !script.src || typeof fetch !== "function") return;
    var params = new URL(script.src, root.location.href).searchParams;
    ["boundaries", "changes"].forEach(function (name) {
      var url = params.get(name);
      if (!url || url.charAt(0) !== "/") return;
      early[url] = fetch(url);
      early[url].catch(function () {}); // a failure is shown once the page reads it, not reported before
    });
  }
  prefetch();

  // The response for ``url``: the early fetch the first time, a new one after (a Retry fetches anew).
  function fetched(url) {
    var started = early[url];
    delete early[url];
    return started || fetch(url);
  }

  return {
    CHANNEL: CHANNEL,
    connect: connect,
    start: start,
    show: show,
    problems: problems,
    send: send,
    focusWithoutScrolling: focusWithoutScrolling,
    fetched: fetched
  };
});
