// The step timer's JavaScript rules (tutorial/static/timer.js), run with `node --test`.
// tests/cases/timer.json holds cases recorded from the Python machine (the rules' one
// truth, tutorial/content/timing.py); every case must come out the same here. The other tests
// check the browser-only parts: tones kept or cancelled by identity, the audio clock
// mapping, and what is announced after a stall.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const here = new URL(".", import.meta.url);
const rules = await import(new URL("../../tutorial/static/timer.js", here));
const { cases } = JSON.parse(readFileSync(new URL("../cases/timer.json", here), "utf8"));
const close = (a, b) => Math.abs(a - b) < 1e-6;

test("every case recorded from the Python machine comes out the same", () => {
  assert.ok(cases.length >= 20);
  for (const { name, segments, steps } of cases) {
    const st = { status: "ready", index: 0, banked: 0, anchor: 0 };
    steps.forEach((step, i) => {
      const where = `${name}, step ${i} (${step.action} at ${step.t_ms} ms)`;
      const crossed = rules.advanceState(st, segments, step.t_ms);
      assert.deepEqual(
        crossed.map((c) => [c.to, c.deadline]).map(([to, at]) => [to, Math.round(at * 1e6) / 1e6]),
        step.crossed.map(([to, at]) => [to, Math.round(at * 1e6) / 1e6]),
        `${where}: crossings`,
      );
      if (step.action !== "tick") rules.applyAction(st, segments, step.action, step.t_ms, step.index);
      assert.equal(st.status, step.status, `${where}: status`);
      assert.equal(st.index, step.at, `${where}: segment`);
      const elapsed = rules.stepElapsed(st, segments, step.t_ms);
      assert.ok(close(elapsed, step.elapsed_ms), `${where}: elapsed ${elapsed} != ${step.elapsed_ms}`);
      const cues = rules.upcomingCues(st, segments, step.t_ms);
      assert.equal(cues.length, step.cues.length, `${where}: cue count`);
      cues.forEach((cue, k) => {
        const [segment, kind, at] = step.cues[k];
        assert.equal(cue.segment, segment, `${where}: cue ${k} segment`);
        assert.equal(cue.kind, kind, `${where}: cue ${k} kind`);
        assert.ok(close(cue.at, at), `${where}: cue ${k} at ${cue.at} != ${at}`);
      });
    });
  }
});

// A session: a 3 s step, a 2 s switch, a 3 s step; tones as in tutorial/data/timer.toml.
const SPECS = {
  "heads-up": { seconds: 0.12, repeat: 2, gap: 0.12 },
  step: { seconds: 0.45, repeat: 1, gap: 0 },
  switch: { seconds: 0.3, repeat: 3, gap: 0.15 },
  end: { seconds: 1.6, repeat: 1, gap: 0 },
};
const SEGMENTS = [
  { planned_ms: 3000, cues: [{ kind: "heads-up", offset_ms: 2000 }, { kind: "switch", offset_ms: 3000 }] },
  { planned_ms: 2000, cues: [{ kind: "step", offset_ms: 2000 }] },
  { planned_ms: 3000, cues: [{ kind: "heads-up", offset_ms: 2000 }, { kind: "end", offset_ms: 3000 }] },
];

function scheduleAt(st, now, scheduled) {
  const wanted = rules.cueTones(rules.upcomingCues(st, SEGMENTS, now), SPECS);
  return rules.reconcileTones(scheduled, wanted, now);
}

test("the switch-legs cue keeps all three beeps when the step changes", () => {
  // Issue 13.4: at the step change the old code cancelled every tone starting more than
  // 10 ms ahead, i.e. the 2nd and 3rd beeps. By identity, a due cue keeps all its beeps.
  const st = { status: "running", index: 0, banked: 0, anchor: 0 };
  let { add } = scheduleAt(st, 0, []);
  const switchBeeps = add.filter((t) => t.cue === "0/switch");
  assert.equal(switchBeeps.length, 3);
  const now = 3000.2; // the deadline was noticed 0.2 ms late
  rules.advanceState(st, SEGMENTS, now);
  assert.equal(st.index, 1);
  const result = scheduleAt(st, now, add);
  assert.deepEqual(result.cancel, []);
  assert.equal(result.keep.filter((t) => t.cue === "0/switch").length, 3);
  assert.deepEqual(result.add, []); // nothing to re-add: the future did not change
});

test("a step tone is never dropped however far the audio clock lags", () => {
  // Issue 13.5: a tone was kept only if it started within 10 ms of audio currentTime.
  // Now the decision does not look at the audio clock at all: the step tone of a crossing
  // is due on the plan's clock, so it is kept, for any lag.
  const st = { status: "running", index: 1, banked: 0, anchor: 3000 };
  const { add } = scheduleAt(st, 3000, []);
  const stepTone = add.find((t) => t.cue === "1/step");
  for (const late of [0, 0.01, 5, 17, 250]) {
    const copy = { ...st };
    rules.advanceState(copy, SEGMENTS, 5000 + late);
    const { keep, cancel } = scheduleAt(copy, 5000 + late, add);
    assert.ok(keep.includes(stepTone), `lag ${late} ms`);
    assert.ok(!cancel.includes(stepTone));
  }
});

test("a skip cancels the cues of the skipped step and keeps nothing stale", () => {
  const st = { status: "running", index: 0, banked: 0, anchor: 0 };
  const { add } = scheduleAt(st, 0, []);
  rules.applyAction(st, SEGMENTS, "next", 1000);
  const result = scheduleAt(st, 1000, add);
  assert.ok(result.cancel.some((t) => t.cue === "0/switch"));
  assert.ok(result.cancel.every((t) => t.cueAt > 1000));
  // the later cues moved 2 s earlier: cancelled and added again at their new time
  const end = result.add.find((t) => t.cue === "2/end");
  assert.equal(end.at, 1000 + 2000 + 3000);
});

test("pausing cancels every tone still to come; resuming schedules them again", () => {
  const st = { status: "running", index: 0, banked: 0, anchor: 0 };
  const { add } = scheduleAt(st, 0, []);
  rules.applyAction(st, SEGMENTS, "pause", 500);
  assert.equal(scheduleAt(st, 500, add).keep.length, 0);
  rules.applyAction(st, SEGMENTS, "resume", 10500);
  const again = scheduleAt(st, 10500, []);
  assert.equal(again.add.find((t) => t.cue === "0/switch").at, 13000);
});

test("after a stall only the current step is announced, and each crossing names its own step", () => {
  // Issue 13.6: one late wake-up crossing three deadlines.
  const st = { status: "running", index: 0, banked: 0, anchor: 0 };
  const crossed = rules.advanceState(st, SEGMENTS, 6000);
  assert.deepEqual(
    crossed.map((c) => c.to),
    [1, 2],
  );
  assert.deepEqual(
    crossed.map((c) => c.deadline),
    [3000, 5000],
  );
  assert.deepEqual(rules.announcement(crossed, SEGMENTS), { index: 2, of: 3 });
  assert.equal(rules.announcement([], SEGMENTS), null);
  const end = rules.advanceState(st, SEGMENTS, 60000);
  assert.deepEqual(rules.announcement(end, SEGMENTS), { index: null });
});

test("tones land within 5 ms of the plan on a drifting, late audio clock", () => {
  // Issue 13.8: a simulated audio device whose clock runs 200 ppm fast against
  // performance.now(), with 40 ms of output latency; output timestamps jitter by 0.5 ms.
  const ppm = 200e-6;
  const latency = 0.04;
  let seed = 7;
  const jitter = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.001;
  const heardAt = (ctxTime) => (ctxTime + latency) / (1 + ppm) * 1000; // perf ms a sample is heard
  const outputTimestamp = (perf) => {
    // the sample heard at `perf` (ms), as getOutputTimestamp reports it
    const ctx = (perf / 1000) * (1 + ppm) - latency + jitter();
    return { perf, ctx };
  };
  // The timer re-anchors at every step change and every few seconds while it runs (it
  // reschedules a future tone that moved by more than 1 ms); a tone uses the last anchor
  // before it. A 9-minute session, a step change every 45 s, a heads-up 5 s before each.
  const anchors = [];
  for (let perf = 1000; perf < 9 * 60000; perf += 5000) anchors.push(outputTimestamp(perf));
  let worstNaive = 0;
  let worst = 0;
  for (let step = 1; step <= 12; step += 1) {
    const start = (step - 1) * 45000;
    for (const plan of [step * 45000 - 5000, step * 45000]) {
      const map = rules.audioMapping(anchors.filter((a) => a.perf < plan - 100));
      worst = Math.max(worst, Math.abs(heardAt(rules.audioTimeOf(map, plan)) - plan));
      // the old way: currentTime + delay at the step's start, currentTime being the
      // sample rendered then (not yet heard)
      const naive = (start / 1000) * (1 + ppm) + (plan - start) / 1000;
      worstNaive = Math.max(worstNaive, Math.abs(heardAt(naive) - plan));
    }
  }
  assert.ok(worst < 5, `worst ${worst.toFixed(2)} ms`);
  assert.ok(worstNaive > 12, `the old way is off by ${worstNaive.toFixed(1)} ms here`);
});

test("the timer picks its layout from its own width", () => {
  assert.equal(rules.sizeOf(390), "phone");
  assert.equal(rules.sizeOf(950), "laptop");
  assert.equal(rules.sizeOf(1800), "projector");
});

test("plans carry the step texts; the switch has its own", () => {
  const steps = [{ id: "a", number: 1, title: "A", points: ["BL40 Wěizhōng"], picture: { right: "a@right", left: "a@left" }, alt: { right: "R", left: "L" } }];
  const plan = {
    segments: [
      { step: 0, kind: "step", leg: "right", planned_ms: 1000, start_ms: 0, cues: [] },
      { step: -1, kind: "switch", leg: "left", planned_ms: 1000, start_ms: 1000, cues: [] },
      { step: 0, kind: "step", leg: "left", planned_ms: 1000, start_ms: 2000, cues: [] },
    ],
    total_ms: 3000,
  };
  const session = { switch: { title: "Switch legs" }, leg_labels: { right: "Right leg", left: "Left leg" } };
  const segs = rules.planSegments(plan, steps, session);
  assert.deepEqual(segs.map((s) => s.title), ["A", "Switch legs", "A"]);
  assert.deepEqual(segs.map((s) => s.picture), ["a@right", "a@left", "a@left"]);
  assert.equal(segs[2].leg_label, "Left leg");
});
