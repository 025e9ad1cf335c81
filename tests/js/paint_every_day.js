// Reads a changes payload (JSON) on stdin; writes, for each dimension, the category of every place on
// every day from the first to the last, as painted by static/js/sanctuarymap.js. tests/unit/page/test_painting.py
// compares it with status.as_of, day by day.
"use strict";
const sm = require("../../static/js/sanctuarymap.js");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const payload = JSON.parse(input);
  const last = sm.dayIndex(payload.last_day, payload.first_day);
  const out = {};
  for (const dimension of payload.dimensions) {
    out[dimension.key] = [];
    for (let day = 0; day <= last; day++) out[dimension.key].push(sm.categoriesOn(dimension, day));
  }
  process.stdout.write(JSON.stringify(out));
});
