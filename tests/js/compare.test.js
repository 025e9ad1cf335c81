// Two days compared in the map page (SanctuaryMap.compareOn): which places changed, and by which day
// a changed place is coloured. Run with `node --test tests/js/` (tests/unit/reader/test_compare.py does).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const sm = require("../../static/js/sanctuarymap.js");

// Three places: never changes; changes on day 10 (to 2); changes on day 10 (to 1) and back on day 20.
const dimension = {key: "d", changes: [[], [10, 2], [10, 1, 20, 0]]};

test("a place changed if its category differs between the two days", () => {
  assert.deepEqual(sm.compareOn(dimension, 5, 15).changed, [false, true, true]);
  assert.deepEqual(sm.compareOn(dimension, 5, 25).changed, [false, true, false]); // there and back: no change
  assert.deepEqual(sm.compareOn(dimension, 12, 15).changed, [false, false, false]); // nothing in between
  assert.deepEqual(sm.compareOn(dimension, 9, 10).changed, [false, true, true]); // the later day's change counts
});

test("a changed place takes the later day's category, whichever of the two is shown", () => {
  assert.deepEqual(sm.compareOn(dimension, 5, 15).categories, [0, 2, 1]);
  assert.deepEqual(sm.compareOn(dimension, 15, 5).categories, [0, 2, 1]); // the same pair the other way round
  assert.deepEqual(sm.compareOn(dimension, 15, 25).categories, [0, 2, 0]);
});

test("a day compared with itself changes nothing", () => {
  for (const day of [-1, 0, 10, 20, 364]) {
    assert.deepEqual(sm.compareOn(dimension, day, day).changed, [false, false, false]);
  }
});
