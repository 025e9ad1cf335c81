// static/js/bridge.js: the page's one channel to the server (run by tests/unit/page/test_bridge.py, which also
// checks that the bridge and pydantic judge reports alike against the real schema, bridge.REPORT_SCHEMA).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");

// A schema of the form pydantic writes: the checker's fixture.
const SCHEMA = {
  type: "object",
  required: ["page", "seq", "day"],
  properties: {
    page: {type: "string", minLength: 1},
    seq: {type: "integer", minimum: 0},
    day: {type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    click: {anyOf: [{type: "string", maxLength: 200}, {type: "null"}], default: null}
  }
};
const GOOD = {page: "p1", seq: 3, day: "2017-08-22", click: null};

// A fresh bridge in a page like st_folium's: its global data, Streamlit's component API, a console.
function loaded() {
  delete require.cache[require.resolve("../../static/js/bridge.js")];
  const sent = [], errors = [];
  globalThis.__GLOBAL_DATA__ = {previous_data: {}, last_object_clicked_popup: null};
  globalThis.Streamlit = {setComponentValue: (value) => sent.push(value)};
  const realError = console.error;
  console.error = (message) => errors.push(message);
  const bridge = require("../../static/js/bridge.js");
  return {bridge, sent, errors, restore: () => { console.error = realError; }};
}

test("start hands the page its config, show each view, and the schema checks what it sends", () => {
  const {bridge, sent, errors, restore} = loaded();
  const heard = [];
  bridge.connect({start: (map, config) => heard.push(["start", map, config.title]), show: (view) => heard.push(["show", view.day])});
  bridge.start("the map", {title: "T", report: SCHEMA});
  bridge.show({day: "2017-08-22"});
  assert.deepEqual(heard, [["start", "the map", "T"], ["show", "2017-08-22"]]);

  assert.equal(bridge.send(GOOD), true);
  const value = JSON.stringify(GOOD);
  assert.deepEqual(sent, [{[bridge.CHANNEL]: value}]);
  assert.equal(globalThis.__GLOBAL_DATA__[bridge.CHANNEL], value);
  // st_folium's own debounced update compares with previous_data: it finds nothing new to send.
  assert.deepEqual(globalThis.__GLOBAL_DATA__.previous_data, {[bridge.CHANNEL]: value});

  assert.equal(bridge.send({...GOOD, day: "22/08/2017"}), false); // a bug of the page: not sent, said
  assert.equal(sent.length, 1);
  assert.match(errors[0], /report\.day is not of the form/);
  restore();
});

test("a map with no server to tell sends nothing and does not fail", () => {
  const {bridge, restore} = loaded();
  delete globalThis.Streamlit;
  bridge.connect({start: () => {}, show: () => {}});
  bridge.start(null, {report: SCHEMA});
  assert.equal(bridge.send(GOOD), false);
  restore();
});

test("the keyboard handler focuses the map without scrolling, unless it has the focus", () => {
  const {bridge, restore} = loaded();
  const focused = [];
  const keyboard = {_focused: false, enabled: 0, disable() { this.enabled -= 1; }, enable() { this.enabled += 1; }};
  const map = {keyboard, getContainer: () => ({focus: (options) => focused.push(options)})};
  bridge.focusWithoutScrolling(map);
  keyboard._onMouseDown();
  keyboard._focused = true;
  keyboard._onMouseDown();
  assert.deepEqual(focused, [{preventScroll: true}]);
  assert.equal(keyboard.enabled, 0); // disabled, then enabled again: its listeners take the new handler
  restore();
});
