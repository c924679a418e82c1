// Rules the site runs in the browser that the package also runs in Python.
//
// Each rule's truth lives once, in a case file that pytest and `node --test` both run
// (tests/cases/*.json, made by scripts/make_site_cases.py from the Python code):
// - validateLength: tutorial.widgets.calculator.validate_length (cun.toml [calculator]);
// - scoreClick / verdictFor: tutorial.content.practice.score_click with tutorial.widgets.quiz.fraction_to_data;
// - record / pickCandidates: the Leitner boxes of tutorial.content.practice.Progress;
// - makeRecorder: the planned-against-actual history of tutorial.content.timing.TimerMachine, driven
//   by the messages timer.js sends and using timer.js's own exported rules.
// Settings (bands, intervals, messages) are passed in: they come from the package's data.
// A classic script (pages opened from disk cannot load module files): window.CCTRules in a
// page, module.exports in Node.

(function (root, factory) {
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.CCTRules = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict"; // i18n: ignore

  // ------------------------------------------------------------ Python-compatible numbers
  const PY_FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
  const PY_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

  // float(text) as Python reads it (ASCII digits): NaN where Python raises ValueError.
  function pythonFloat(text) {
    const s = String(text).trim();
    if (PY_FLOAT.test(s)) return Number(s.replace(/_/g, ""));
    if (PY_SPECIAL.test(s)) {
      const negative = s.startsWith("-");
      if (/nan/i.test(s)) return NaN;
      return negative ? -Infinity : Infinity;
    }
    return NaN;
  }

  // f"{value:g}": six significant digits, trailing zeros dropped, exponent from 1e-4 and 1e6.
  function formatG(value) {
    if (!Number.isFinite(value)) return value > 0 ? "inf" : value < 0 ? "-inf" : "nan";
    if (value === 0) return Object.is(value, -0) ? "-0" : "0";
    const [mantissa, expText] = value.toExponential(5).split("e");
    const exp = Number(expText);
    const strip = (t) => (t.includes(".") ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
    if (exp < -4 || exp >= 6) {
      const sign = exp < 0 ? "-" : "+";
      return `${strip(mantissa)}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
    }
    return strip(value.toFixed(Math.max(0, 5 - exp)));
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
  }

  // ------------------------------------------------------------ the cun calculator
  // [length_cm or null, message]: exactly tutorial.widgets.calculator.validate_length.
  function validateLength(text, rule) {
    const shown = String(text)
      .split(/\s+/)
      .filter((part) => part.length > 0)
      .join(" ");
    const value = pythonFloat(shown.replace(/,/g, "."));
    if (!shown || !Number.isFinite(value)) {
      return [null, fill(rule.not_a_number, { text: Array.from(shown).slice(0, 40).join("") })];
    }
    const min = Number(rule.min_cm);
    const max = Number(rule.max_cm);
    if (!(min <= value && value <= max)) {
      return [
        null,
        fill(rule.out_of_range, { text: formatG(value), min: formatG(min), max: formatG(max) }),
      ];
    }
    return [value, ""];
  }

  // ------------------------------------------------------------ scoring a click
  function fractionToData(view, fx, fy) {
    return [view.x0 + fx * (view.x1 - view.x0), view.y0 + fy * (view.y1 - view.y0)];
  }

  function dataToFraction(view, x, y) {
    return [(x - view.x0) / (view.x1 - view.x0), (y - view.y0) / (view.y1 - view.y0)];
  }

  function verdictFor(distance, bands) {
    if (!(Number.isFinite(distance) && distance >= 0)) {
      throw new RangeError(`distance must be a finite number >= 0, not ${distance}`);
    }
    if (distance <= bands.right_cun) return "right";
    if (distance <= bands.close_cun) return "close";
    return "missed";
  }

  // Score a click at fractions (fx, fy) of the picture of `view` against point `code`.
  function scoreClick(view, code, fx, fy, bands) {
    const truth = view.truth[code];
    if (!truth) throw new RangeError(`${code} is not shown in the ${view.view} view`);
    const [x, y] = fractionToData(view, fx, fy);
    const distance = Math.hypot(x - truth[0], y - truth[1]);
    return { code, view: view.view, click: [x, y], true: truth, distance, verdict: verdictFor(distance, bands) };
  }

  // ------------------------------------------------------------ Leitner boxes
  function newProgress() {
    return { turn: 0, cards: {} };
  }

  // Count one answer for `code` (verdict "wrong" counts as a miss) and move it between boxes.
  function record(progress, code, verdict, intervals) {
    const card = progress.cards[code] || (progress.cards[code] = { box: 1, due: 0 });
    const top = intervals.length;
    if (verdict === "missed" || verdict === "wrong") card.box = 1;
    else if (verdict === "right") card.box = Math.min(card.box + 1, top);
    else if (verdict !== "close") throw new RangeError(`unknown verdict ${verdict}`);
    card.due = progress.turn + intervals[card.box - 1];
    progress.turn += 1;
    return card;
  }

  const boxOf = (progress, code) => (progress.cards[code] ? progress.cards[code].box : 1);
  const dueOf = (progress, code) => (progress.cards[code] ? progress.cards[code].due : 0);

  // The points the next question may ask (sorted): due ones first, lowest box first; if none
  // is due, the one(s) due soonest; `avoid` (the last point asked) only if nothing else.
  function pickCandidates(progress, codes, avoid) {
    if (!codes.length) throw new RangeError("no points to practise");
    let pool = codes.filter((c) => c !== avoid);
    if (!pool.length) pool = codes.slice();
    const due = pool.filter((c) => dueOf(progress, c) <= progress.turn);
    let best;
    if (due.length) {
      const low = Math.min(...due.map((c) => boxOf(progress, c)));
      best = due.filter((c) => boxOf(progress, c) === low);
    } else {
      const soonest = Math.min(...pool.map((c) => dueOf(progress, c)));
      best = pool.filter((c) => dueOf(progress, c) === soonest);
    }
    return best.slice().sort();
  }

  function pick(progress, codes, avoid, random) {
    const best = pickCandidates(progress, codes, avoid);
    return best[Math.floor((random || Math.random)() * best.length) % best.length];
  }

  // The boxes after every stored answer, oldest first.
  function replay(answers, intervals) {
    const progress = newProgress();
    for (const a of answers) record(progress, a.point, a.verdict, intervals);
    return progress;
  }

  // Per point: answers, verdict counts and mean click error (cun).
  function pointStats(answers) {
    const out = {};
    for (const a of answers) {
      const s =
        out[a.point] ||
        (out[a.point] = { point: a.point, attempts: 0, right: 0, close: 0, missed: 0, errors: [] });
      s.attempts += 1;
      if (a.verdict === "right") s.right += 1;
      else if (a.verdict === "close") s.close += 1;
      else s.missed += 1;
      if (typeof a.error_cun === "number") s.errors.push(a.error_cun);
    }
    for (const s of Object.values(out)) {
      s.mean_error_cun = s.errors.length ? s.errors.reduce((x, y) => x + y, 0) / s.errors.length : null;
      delete s.errors;
    }
    return out;
  }

  // ------------------------------------------------------------ the timer's history
  // Mirrors the session from the messages timer.js sends (what the kernel's TimerMachine
  // reads in JupyterLab), with timer.js's own rules (`timer` = the imported module):
  // one record per visit to a segment, its running and paused milliseconds and outcome.
  const OUTCOME = { next: "skipped", back: "back", jump: "jumped", restart: "restarted", reset: "reset" };

  function makeRecorder(timer, segments) {
    const st = { status: "ready", index: 0, banked: 0, anchor: 0 };
    let entered = null;
    let last = -Infinity;
    const history = [];
    let runStart = 0; // index in history where the current run (since start) begins

    function close(outcome, at) {
      if (entered === null) return;
      const actual = st.banked + (st.status === "running" ? at - st.anchor : 0);
      const seg = segments[st.index];
      history.push({
        segment: st.index,
        step_id: seg.id,
        leg: seg.leg,
        kind: seg.kind,
        planned_ms: seg.planned_ms,
        actual_ms: actual,
        paused_ms: Math.max(0, at - entered - actual),
        outcome,
        started_at: entered,
        ended_at: at,
      });
    }

    function complete(at) {
      // The running segment ends at `at` (TimerMachine._complete): record it, move on.
      close("completed", at);
      const seg = segments[st.index];
      if (st.index + 1 < segments.length) {
        st.index += 1;
        st.banked = 0;
        st.anchor = at;
        entered = at;
      } else {
        st.status = "finished";
        st.banked = seg.planned_ms;
        entered = null;
      }
    }

    function crossTo(t) {
      // Complete every segment whose deadline is at or before t, each at its deadline.
      while (st.status === "running") {
        const deadline = st.anchor + (segments[st.index].planned_ms - st.banked);
        if (deadline > t) break;
        complete(deadline);
      }
    }

    function onMessage(msg) {
      if (!msg || typeof msg.t !== "number") return false;
      const t = Math.max(last, msg.t);
      last = t;
      if (msg.type === "step") {
        crossTo(t);
        // the browser saw this deadline pass: complete it now (TimerMachine.complete)
        if (st.status === "running" && st.index === msg.from) complete(t);
        return true;
      }
      if (msg.type !== "action") return false;
      crossTo(t);
      const name = msg.action;
      const before = st.status;
      const from = st.index;
      if (name === "start" && before !== "paused" && before !== "running") runStart = history.length;
      const closing = OUTCOME[name];
      const willClose =
        closing &&
        !(name === "next" && before === "finished") &&
        !(name === "restart" && before === "finished") &&
        !(name === "reset" && before === "finished") &&
        !(name === "jump" && !(msg.index >= 0 && msg.index < segments.length));
      const actualBefore = st.banked + (st.status === "running" ? t - st.anchor : 0);
      const changed = timer.applyAction(st, segments, name, t, msg.index);
      if (!changed) return false;
      if (willClose && entered !== null) {
        const seg = segments[from];
        history.push({
          segment: from,
          step_id: seg.id,
          leg: seg.leg,
          kind: seg.kind,
          planned_ms: seg.planned_ms,
          actual_ms: actualBefore,
          paused_ms: Math.max(0, t - entered - actualBefore),
          outcome: closing,
          started_at: entered,
          ended_at: t,
        });
      }
      if (name === "start" || name === "resume") {
        if (before !== "paused" || entered === null) entered = t;
      } else if (name === "reset" || st.status === "finished") {
        entered = null;
      } else if (willClose) {
        entered = st.status === "ready" ? null : t;
      }
      return true;
    }

    return {
      onMessage,
      state: st,
      history,
      // the records of the latest run (since the last start from ready or finished)
      run: () => history.slice(runStart),
    };
  }

  return {
    pythonFloat,
    formatG,
    fill,
    validateLength,
    fractionToData,
    dataToFraction,
    verdictFor,
    scoreClick,
    newProgress,
    record,
    pickCandidates,
    pick,
    replay,
    pointStats,
    makeRecorder,
  };
});
