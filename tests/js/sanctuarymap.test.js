// The pure part of static/js/sanctuarymap.js: days, lookups, the caption, play timing.
// Run with `node --test tests/js/` (tests/unit/page/test_painting.py does, so `make test` and CI do).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const sm = require("../../static/js/sanctuarymap.js");

const FIRST = "2017-01-01";
const LAST = 364;

test("days are counted from the first day, in calendar days", () => {
  assert.equal(sm.dayIndex("2017-01-01", FIRST), 0);
  assert.equal(sm.dayIndex("2017-08-22", FIRST), 233);
  assert.equal(sm.dayIndex("2017-12-31", FIRST), 364);
  assert.equal(sm.dayIndex("2016-12-31", FIRST), -1);
  for (let day = -3; day <= 366; day++) assert.equal(sm.dayIndex(sm.isoDay(day, FIRST), FIRST), day);
  // Daylight saving time does not exist in UTC: 12 March and 5 November are days like any other.
  assert.equal(sm.isoDay(70, FIRST), "2017-03-12");
  assert.equal(sm.isoDay(308, FIRST), "2017-11-05");
});

// The payload's labels (payload.day_labels, written by year.day_label and year.short_day_label): the
// page writes them as they come, and only a day beyond them as its ISO date.
const LABELS = [["1 January 2017", "1 Jan 2017"], ["2 January 2017", "2 Jan 2017"]];

test("a day is written with the payload's label, long or short", () => {
  const payload = {first_day: FIRST, day_labels: LABELS};
  assert.equal(sm.dayLabel(payload, 1), "2 January 2017");
  assert.equal(sm.dayLabel(payload, 1, true), "2 Jan 2017");
  assert.equal(sm.dayLabel(payload, 233, true), "2017-08-22"); // no label given: the plain date
});

test("Page Up and Page Down move a calendar month, clamped to the month and the year", () => {
  const at = (iso) => sm.dayIndex(iso, FIRST);
  assert.equal(sm.monthStep(at("2017-08-22"), 1, FIRST, LAST), at("2017-09-22"));
  assert.equal(sm.monthStep(at("2017-08-22"), -1, FIRST, LAST), at("2017-07-22"));
  assert.equal(sm.monthStep(at("2017-01-31"), 1, FIRST, LAST), at("2017-02-28")); // a shorter month
  assert.equal(sm.monthStep(at("2017-03-31"), -1, FIRST, LAST), at("2017-02-28"));
  assert.equal(sm.monthStep(at("2017-12-15"), 1, FIRST, LAST), LAST); // not past the last day
  assert.equal(sm.monthStep(at("2017-01-15"), -1, FIRST, LAST), 0); // nor before the first
});

test("a place's category is that of its latest change on or before the day", () => {
  const flat = [-1, 2, 40, 1, 40, 3, 100, 0];
  assert.equal(sm.categoryOn([], 50), 0); // no change: the baseline
  assert.equal(sm.categoryOn([10, 2], 9), 0); // before its first change
  assert.equal(sm.categoryOn([10, 2], 10), 2); // the day of a change counts
  assert.equal(sm.categoryOn(flat, 0), 2); // set before the first day
  assert.equal(sm.categoryOn(flat, 39), 2);
  assert.equal(sm.categoryOn(flat, 40), 3); // two changes on one day: the later one
  assert.equal(sm.categoryOn(flat, 99), 3);
  assert.equal(sm.categoryOn(flat, 100), 0); // back to the baseline by a change
  assert.equal(sm.categoryOn(flat, 364), 0);
  const dimension = {key: "d", changes: [[], [5, 1], [-1, 2, 7, 1]]};
  assert.deepEqual(sm.categoriesOn(dimension, 0), [0, 0, 2]);
  assert.deepEqual(sm.categoriesOn(dimension, 7), [0, 1, 1]);
});

test("the neighbouring event day, either way, or none", () => {
  const days = [24, 110, 233];
  assert.equal(sm.neighbourEventDay(days, 110, 1), 233);
  assert.equal(sm.neighbourEventDay(days, 110, -1), 24);
  assert.equal(sm.neighbourEventDay(days, 120, -1), 110);
  assert.equal(sm.neighbourEventDay(days, 0, 1), 24);
  assert.equal(sm.neighbourEventDay(days, 24, -1), null);
  assert.equal(sm.neighbourEventDay(days, 233, 1), null);
  assert.equal(sm.neighbourEventDay([], 5, 1), null);
});

const PAYLOAD = {
  first_day: FIRST,
  last_day: "2017-12-31",
  day_labels: Array.from({length: 365}, (_, day) => ["long label of day " + day, "day " + day]),
  places: [["ca-los-angeles", "Los Angeles, CA"], ["il-chicago", "Chicago, IL"], ["us", "United States"], ["x", "<img src=x>"]],
  kinds: ["Statement", "Lawsuit filed", "DOJ warning letter"],
  dimensions: [{key: "sanctuary"}, {key: "lawsuit"}],
  events: [
    [24, 1, [[0, [2]]]],
    [110, 9, [[2, [1, 0, 3]], [2, [1]], [0, []]]],
    [233, 2, [[1, [0]], [0, [0]]]]
  ]
};

test("the caption names the day (its short label) and its events, and how many more there were", () => {
  assert.equal(sm.captionText(PAYLOAD, 233), "day 233 · Los Angeles, CA: Lawsuit filed · Los Angeles, CA: Statement");
  assert.equal(sm.captionText(PAYLOAD, 24), "day 24 · United States: Statement");
  assert.equal(
    sm.captionText(PAYLOAD, 110),
    "day 110 · Chicago, IL, Los Angeles, CA and 1 more: DOJ warning letter · Chicago, IL: DOJ warning letter · Statement · and 6 more events"
  );
  assert.equal(sm.captionText(PAYLOAD, 100), "day 100 · no event recorded");
});

test("the caption says when an event's day is not known", () => {
  const payload = {...PAYLOAD, events: [[89, 2, [[2, [1], "month"], [0, [2], "year"]]]]};
  assert.equal(
    sm.captionText(payload, 89),
    "day 89 · Chicago, IL: DOJ warning letter (day not known) · United States: Statement (only the year known)"
  );
});

test("the caption is text: markup in a name stays as typed", () => {
  const payload = {...PAYLOAD, events: [[5, 1, [[0, [3]]]]]};
  assert.equal(sm.captionText(payload, 5), "day 5 · <img src=x>: Statement");
});

test("a replay moves a whole day only when its time has come, and stops on the last day", () => {
  assert.equal(sm.playDay(10, 0, 30, LAST), 10);
  assert.equal(sm.playDay(10, 33, 30, LAST), 10); // 0.99 of a day
  assert.equal(sm.playDay(10, 34, 30, LAST), 11);
  assert.equal(sm.playDay(10, 1000, 30, LAST), 40);
  assert.equal(sm.playDay(10, 1000, 1, LAST), 11);
  assert.equal(sm.playDay(360, 10000, 30, LAST), LAST);
});

test("the dimension asked for, or the first one", () => {
  assert.equal(sm.dimensionOf(PAYLOAD, "lawsuit").key, "lawsuit");
  assert.equal(sm.dimensionOf(PAYLOAD, "nope").key, "sanctuary");
});

test("the speeds offered: 1, 4, 15 and 30 days a second (events only is a switch of its own)", () => {
  assert.deepEqual(sm.SPEEDS.map((s) => s.daysPerSecond), [1, 4, 15, 30]);
});

test("a click reaches every city point within the radius, nearest first, and no other", () => {
  const points = [[100, 100], [105, 100], [130, 100], [100, 111]];
  assert.deepEqual(sm.pointsNear(points, 101, 100, 12), [0, 1, 3]);
  assert.deepEqual(sm.pointsNear(points, 130, 100, 12), [2]);
  assert.deepEqual(sm.pointsNear(points, 100, 100, 0), [0]);
  assert.deepEqual(sm.pointsNear(points, 300, 300, 12), []);
});

test("a label is written unless it overlaps one written before it", () => {
  const box = (left, top, w = 40, h = 10) => ({left, top, right: left + w, bottom: top + h});
  assert.deepEqual(sm.fittingLabels([box(0, 0), box(30, 5), box(50, 0), null, box(0, 20)], 2), [true, false, true, false, true]);
  // The gap counts: 1 px apart is too close with 2 px of air.
  assert.deepEqual(sm.fittingLabels([box(0, 0), box(41, 0)], 2), [true, false]);
});

test("a click on the event strip goes to the nearest day with events", () => {
  assert.equal(sm.nearestEventDay([3, 10, 40], 0), 3);
  assert.equal(sm.nearestEventDay([3, 10, 40], 24), 10);
  assert.equal(sm.nearestEventDay([3, 10, 40], 26), 40);
  assert.equal(sm.nearestEventDay([3, 10, 40], 10), 10);
  assert.equal(sm.nearestEventDay([], 10), null);
});
