// The static site's JavaScript rules against the shared case files (node --test).
// Every expected output in tests/cases/*.json was computed by the package's Python code;
// tests/test_site.py runs this file with Node and checks the case files against Python.
// The calculator's rule (cun.toml [calculator]) comes from CCT_SITE_DATA, a JSON file that
// pytest writes with tutorial.site.export.calculator_data().

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const require = createRequire(import.meta.url);
// store.js and site.js take their words from the page's translator (assets/i18n.js): English.
const { makeTranslator } = await import(pathToFileURL(path.join(root, "tutorial", "static", "i18n.js")).href);
globalThis.CCT_I18N = makeTranslator({ lang: "en", messages: {}, plurals: {} });
const R = require(path.join(root, "tutorial", "site", "static", "rules.js"));
const Store = require(path.join(root, "tutorial", "site", "static", "store.js"));
const timer = await import(pathToFileURL(path.join(root, "tutorial", "static", "timer.js")).href);
const cases = (name) => JSON.parse(readFileSync(path.join(root, "tests", "cases", name), "utf8"));
const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} != ${b}`);

test("calculator: every shared case gives Python's length and message", () => {
  const dataPath = process.env.CCT_SITE_DATA;
  assert.ok(dataPath, "CCT_SITE_DATA must name the exported site data (pytest sets it)");
  const rule = JSON.parse(readFileSync(dataPath, "utf8")).calculator.rule;
  const file = cases("calculator.json");
  assert.ok(file.cases.length >= 10);
  for (const c of file.cases) {
    const [length, message] = R.validateLength(c.input, rule);
    assert.equal(length, c.length_cm, `length for ${JSON.stringify(c.input)}`);
    assert.equal(message, c.message, `message for ${JSON.stringify(c.input)}`);
  }
});

test("formatG writes numbers as Python's {:g}", () => {
  const expected = { 15: "15", 70: "70", 14.9: "14.9", 100: "100", 0.5: "0.5", 1234567: "1.23457e+06", 0.00001: "1e-05", 38.25: "38.25", "-5": "-5" };
  for (const [value, text] of Object.entries(expected)) assert.equal(R.formatG(Number(value)), text);
});

test("practice: a click is scored in cun exactly as Python scores it", () => {
  const file = cases("practice.json");
  assert.ok(file.scores.length > 50);
  for (const c of file.scores) {
    const s = R.scoreClick(file.views[c.view], c.code, c.fx, c.fy, file.settings);
    close(s.click[0], c.x, 1e-9, "x");
    close(s.click[1], c.y, 1e-9, "y");
    close(s.distance, c.distance_cun, 1e-9, `distance ${c.code} ${c.view}`);
    assert.equal(s.verdict, c.verdict, `verdict ${c.code} ${c.view} at ${c.distance_cun}`);
  }
});

test("practice: Leitner boxes move as Python moves them", () => {
  const file = cases("practice.json");
  for (const sequence of file.leitner) {
    const progress = R.newProgress();
    for (const step of sequence) {
      const card = R.record(progress, step.code, step.verdict, file.settings.intervals);
      assert.deepEqual([card.box, card.due, progress.turn], [step.box, step.due, step.turn]);
    }
  }
});

test("practice: the next point comes from the same candidates as in Python", () => {
  const file = cases("practice.json");
  assert.ok(file.picks.length > 10);
  for (const c of file.picks) {
    const progress = R.replay(c.answers.map((a) => ({ point: a.code, verdict: a.verdict })), file.settings.intervals);
    assert.deepEqual(R.pickCandidates(progress, c.codes, c.avoid), c.candidates);
    assert.ok(c.candidates.includes(R.pick(progress, c.codes, c.avoid)));
  }
});

test("timer: planned against actual time matches TimerMachine's history", () => {
  const file = cases("timer_history.json");
  for (const [n, c] of file.cases.entries()) {
    const segments = c.segments.map((s) => ({ id: s.id, leg: s.leg, kind: s.kind, planned_ms: s.planned * 1000 }));
    const rec = R.makeRecorder(timer, segments);
    for (const e of c.events) {
      if (e.type === "action") rec.onMessage({ type: "action", action: e.action, index: e.index, t: e.t * 1000 });
      else if (e.type === "step") rec.onMessage({ type: "step", from: e.from, t: e.t * 1000 });
      else rec.onMessage({ type: "step", from: -1, t: e.t * 1000 });
    }
    assert.equal(rec.history.length, c.history.length, `case ${n}: number of records`);
    c.history.forEach((want, i) => {
      const got = rec.history[i];
      const what = `case ${n} record ${i}`;
      assert.deepEqual([got.segment, got.step_id, got.leg, got.outcome], [want.segment, want.step_id, want.leg, want.outcome], what);
      close(got.planned_ms / 1000, want.planned, 1e-6, `${what} planned`);
      close(got.actual_ms / 1000, want.actual, 1e-6, `${what} actual`);
      close(got.paused_ms / 1000, want.paused, 1e-6, `${what} paused`);
    });
    assert.deepEqual([rec.state.status, rec.state.index], [c.status, c.index], `case ${n}: final state`);
  }
});

function memoryStorage() {
  const map = new Map();
  return { getItem: (k) => (map.has(k) ? map.get(k) : null), setItem: (k, v) => map.set(k, String(v)) };
}

test("store: export, import (merging by id) and forget", () => {
  const a = Store.open(memoryStorage());
  a.addAnswer({ kind: "locate", point: "ST36", side: "right", view: "anterior", verdict: "close", error_cun: 0.6 });
  a.addSession({
    started_at: "2026-01-31T09:30:00.000Z",
    routine: { title: "R", steps: [{ id: "a", title: "A", min_seconds: 1, max_seconds: 2, default_seconds: 1 }] },
    variant: "default",
    legs: "one",
    steps: [{ id: "a", leg: "right", planned_s: 1, actual_s: 1.01, paused_s: 0, skipped: false }],
  });
  const text = a.exportText();
  const file = JSON.parse(text);
  assert.equal(file.format, "calf-cramp-tutorial/progress");
  assert.equal(file.version, 1);
  assert.match(file.exported_at, /^\d{4}-\d{2}-\d{2}T/);
  const b = Store.open(memoryStorage());
  b.addAnswer({ kind: "name", point: "BL40", view: "posterior", verdict: "wrong" });
  assert.equal(b.importText(text), 2);
  assert.equal(b.importText(text), 0, "the same facts are not added twice");
  assert.equal(b.answers().length, 2);
  assert.equal(b.sessions().length, 1);
  b.forget();
  assert.equal(b.answers().length + b.sessions().length, 0);
});

test("store: a bad file is refused with a message naming the field, and nothing changes", () => {
  const s = Store.open(memoryStorage());
  s.addAnswer({ kind: "locate", point: "ST36", view: "anterior", verdict: "right", error_cun: 0.1 });
  const good = JSON.parse(s.exportText());
  const bad = [
    ["not json", /cannot read it as JSON/],
    [JSON.stringify({ format: "other" }), /format: this is not a progress file/],
    [JSON.stringify({ ...good, version: 2 }), /newer version/],
    [JSON.stringify({ ...good, extra: 1 }), /extra: unknown field/],
    [JSON.stringify({ ...good, answers: [{ ...good.answers[0], verdict: "great" }] }), /answers\[0\]\.verdict: expected one of/],
    [JSON.stringify({ ...good, answers: [{ ...good.answers[0], point: "<b>" }] }), /answers\[0\]\.point/],
    [JSON.stringify({ ...good, answers: [{ ...good.answers[0], error_cun: -1 }] }), /error_cun/],
    [JSON.stringify({ ...good, answers: [{ ...good.answers[0], at: "yesterday" }] }), /answers\[0\]\.at/],
    [JSON.stringify({ ...good, sessions: [{ id: "x" }] }), /sessions\[0\]\.started_at: missing/],
  ];
  for (const [text, message] of bad) {
    assert.throws(() => s.importText(text), (err) => err instanceof Store.ImportError && message.test(err.message), String(message));
  }
  assert.equal(s.answers().length, 1);
});
