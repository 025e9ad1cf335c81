// Reads {schema, reports} as JSON on stdin and writes, per report, the problems static/js/bridge.js finds
// against the schema (tests/unit/page/test_bridge.py compares them with pydantic's verdicts).
"use strict";
const bridge = require("../../static/js/bridge.js");

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const {schema, reports} = JSON.parse(input);
  process.stdout.write(JSON.stringify(reports.map((report) => bridge.problems(report, schema, "report"))));
});
