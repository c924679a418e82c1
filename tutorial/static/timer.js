// StepTimer front end (anywidget). The kernel computes the plans; this file keeps the time.
//
// Time rules (the same as tutorial/content/timing.py's TimerMachine; tests/cases/timer.json holds
// cases made by the Python machine, and `node --test tests/js` runs them against this file):
// - elapsed time in a step = banked + (now - anchor) while running, from performance.now();
// - a step ends when that reaches its planned time, AT its deadline (the next step's anchor
//   is the deadline, not the moment we noticed), so late or throttled timers cause no drift;
// - timers (a setTimeout at each deadline, a slow setInterval for repainting) only
//   decide WHEN we look and repaint, never how much time has passed.
// One controller per model: one clock, one audio output and one voice however many views
// show the model; views only paint. Closing the model (timer.close(), re-running the cell,
// a kernel restart) stops the clock and silences it.
// Tones are scheduled ahead on the Web Audio clock (mapped from the plan with the output
// timestamp), so they sound on time even in a hidden tab; a scheduled tone is kept or
// cancelled by its identity (segment, cue, repeat), never by how near in time it is.
// Every text from the routine goes into the DOM with textContent, never as HTML.

import { makeTranslator } from "./i18n.js";

const REPAINT_MS = 200; // how often the countdown and bars are repainted
const EARLY_MS = 4; // wake this long before a deadline (see armDeadline)
const NUDGE_WAIT_MS = 60; // a kernel nudge this early is waited out, not ignored
const KERNEL_WAIT_MS = 5000; // no answer to "hello" within this: no Python behind the page
const RETIME_MS = 1; // re-anchoring moves a future tone by more than this: reschedule it
const REANCHOR_MS = 5000; // while running, re-anchor on the audio clock this often
const VOICE_WAIT_MS = 1500; // an empty voice list this long after asking: no voice at all
const SIZES = [
  ["phone", 0],
  ["laptop", 600],
  ["projector", 1200],
];
const ICONS = { ready: "▶", running: "❚❚", paused: "▶", finished: "↻" };
const STATUSES = ["ready", "running", "paused", "finished"];
const VARIANTS = ["quick", "default", "full"];
const LEG_CHOICES = ["one", "both"];

function h(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function clockText(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000 - 1e-6));
  const m = Math.floor(seconds / 60);
  return `${m}:${String(seconds % 60).padStart(2, "0")}`;
}

const epochMs = (perfMs) => performance.timeOrigin + perfMs;

// ---------------------------------------------------------------- the rules (pure)
// `st` is {status, index, banked, anchor}: running time of the current step is
// banked + (now - anchor) while running.

export function stepElapsed(st, segments, now) {
  const planned = segments[st.index].planned_ms;
  if (st.status !== "running") return st.banked;
  return Math.max(0, Math.min(planned, st.banked + now - st.anchor));
}

export function advanceState(st, segments, now) {
  // Cross every deadline at or before `now`; each step ends exactly at its deadline.
  // Returns one crossing per deadline, each naming the step it entered (null: the end).
  const crossed = [];
  while (st.status === "running" && st.banked + now - st.anchor >= segments[st.index].planned_ms) {
    const deadline = st.anchor + segments[st.index].planned_ms - st.banked;
    const from = st.index;
    if (st.index + 1 < segments.length) {
      st.index += 1;
      st.banked = 0;
      st.anchor = deadline;
    } else {
      st.status = "finished";
      st.banked = segments[st.index].planned_ms;
    }
    crossed.push({ from, to: st.status === "finished" ? null : st.index, deadline });
  }
  return crossed;
}

export function applyAction(st, segments, name, now, index) {
  // Apply a user action at `now` (after advanceState). Returns false if it changed nothing.
  const last = segments.length - 1;
  const goTo = (i) => {
    if (st.status === "finished") st.status = "paused";
    st.index = i;
    st.banked = 0;
    st.anchor = now;
  };
  switch (name) {
    case "start":
      if (st.status === "paused") return applyAction(st, segments, "resume", now);
      if (st.status === "running") return false;
      if (st.status === "finished") {
        st.index = 0;
        st.banked = 0;
      }
      st.status = "running";
      st.anchor = now;
      return true;
    case "pause":
      if (st.status !== "running") return false;
      st.banked += now - st.anchor;
      st.status = "paused";
      return true;
    case "resume":
      if (st.status !== "paused") return false;
      st.status = "running";
      st.anchor = now;
      return true;
    case "next":
      if (st.status === "finished") return false;
      if (st.index < last) goTo(st.index + 1);
      else {
        st.status = "finished";
        st.banked = segments[last].planned_ms;
      }
      return true;
    case "back":
      goTo(st.status === "finished" ? last : Math.max(0, st.index - 1));
      return true;
    case "jump":
      if (!(index >= 0 && index <= last)) return false;
      goTo(index);
      return true;
    case "restart":
      if (st.status === "finished") return false;
      goTo(st.index);
      return true;
    case "reset":
      st.status = "ready";
      st.index = 0;
      st.banked = 0;
      return true;
    default:
      return false;
  }
}

export function upcomingCues(st, segments, now) {
  // The cues still to sound if nothing changes, as timing.TimerMachine.upcoming_cues:
  // [{segment, kind, at}] with `at` on the clock of `now`.
  if (st.status !== "running") return [];
  let start = now - stepElapsed(st, segments, now);
  const cues = [];
  for (let i = st.index; i < segments.length; i += 1) {
    for (const cue of segments[i].cues) {
      const at = start + cue.offset_ms;
      if (at >= now) cues.push({ segment: i, kind: cue.kind, at });
    }
    start += segments[i].planned_ms;
  }
  return cues;
}

export function cueTones(cues, specs) {
  // Every tone of these cues: a cue of `repeat` beeps is `repeat` tones, each with an
  // identity ("segment/kind/repeat") and the identity of its cue ("segment/kind").
  const tones = [];
  for (const { segment, kind, at } of cues) {
    const spec = specs && specs[kind];
    if (!spec) continue;
    for (let r = 0; r < (spec.repeat || 1); r += 1) {
      const start = at + r * (spec.seconds + (spec.gap || 0)) * 1000;
      tones.push({ id: `${segment}/${kind}/${r}`, cue: `${segment}/${kind}`, cueAt: at, at: start });
    }
  }
  return tones;
}

export function reconcileTones(scheduled, wanted, now) {
  // Which scheduled tones to keep or cancel, and which to add, by identity:
  // - a tone whose cue is due (its moment has come, on the plan's clock) is never cancelled:
  //   it is sounding or has sounded (all beeps of a cue, not only the first);
  // - any other tone is kept if the same tone (same identity) is still wanted at the same
  //   time (within RETIME_MS), else cancelled;
  // - wanted tones not kept are added.
  const want = new Map(wanted.map((tone) => [tone.id, tone]));
  const keep = [];
  const cancel = [];
  for (const tone of scheduled) {
    const again = want.get(tone.id);
    if (tone.cueAt <= now) keep.push(tone);
    else if (again && Math.abs(again.at - tone.at) <= RETIME_MS) keep.push(tone);
    else cancel.push(tone);
  }
  const kept = new Set(keep.map((tone) => tone.id));
  const add = wanted.filter((tone) => !kept.has(tone.id));
  return { keep, cancel, add };
}

export function audioMapping(anchors) {
  // Map performance.now() onto the audio clock from output timestamps {perf, ctx}: the
  // latest anchor, and the rate between the audio and page clocks measured from the first
  // (audio clocks drift by 100-200 ppm; anchors far apart measure that well).
  const last = anchors[anchors.length - 1];
  const first = anchors[0];
  const span = last.perf - first.perf;
  const rate = span > 5000 ? (last.ctx - first.ctx) / (span / 1000) : 1;
  return { perf: last.perf, ctx: last.ctx, rate };
}

export function audioTimeOf(map, perfMs) {
  return map.ctx + ((perfMs - map.perf) / 1000) * map.rate;
}

export function announcement(crossings, segments) {
  // After one wake-up crossed several deadlines (a stalled page), speak only where we are
  // now, once; the crossings themselves are each reported with their own step.
  if (!crossings.length) return null;
  const last = crossings[crossings.length - 1];
  return last.to === null ? { index: null } : { index: last.to, of: segments.length };
}

export function planSegments(plan, steps, session, t = (text) => text) {
  // The segments of one plan with the texts of their steps (the switch has its own).
  const sw = session.switch || {};
  return plan.segments.map((seg, index) => {
    const step = steps[seg.step >= 0 ? seg.step : 0] || {};
    const isSwitch = seg.kind === "switch";
    return {
      ...seg,
      index,
      number: isSwitch ? 0 : step.number,
      count: steps.length,
      id: isSwitch ? "switch-legs" : step.id,
      title: isSwitch ? sw.title || t("Switch legs") : step.title,
      technique: isSwitch ? sw.technique || "" : step.technique,
      instructions: isSwitch ? sw.instructions || "" : step.instructions,
      hand: isSwitch ? "" : step.hand,
      caution: isSwitch ? "" : step.caution,
      points: step.points || [],
      picture: (step.picture && step.picture[seg.leg]) || "",
      alt: (step.alt && step.alt[seg.leg]) || "",
      leg_label: (session.leg_labels || {})[seg.leg] || seg.leg,
    };
  });
}

export function chooseVoice(voices, lang) {
  // The voice to speak `lang` with, from speechSynthesis.getVoices(): {voice, speak}.
  // A voice of the language itself first (for Chinese: Mandarin in simplified script,
  // zh-CN/zh-SG/zh-Hans, then zh-TW, then Cantonese), a local one before a network one,
  // the browser's default before others. With no such voice, English (the source
  // language) still speaks with the browser's default voice; any other language does not
  // speak at all (a voice of another language would mangle the words): tones only.
  const tag = normTag(lang);
  const primary = family(tag);
  let best = null;
  let bestScore = 0;
  for (const voice of voices || []) {
    const vtag = normTag(voice && voice.lang);
    if (!vtag || family(vtag) !== primary) continue;
    let score = 10 + (voice.localService ? 2 : 0) + (voice.default ? 1 : 0);
    if (vtag === tag || vtag.startsWith(`${tag}-`)) score += 40;
    else if (primary === "zh") score += zhRank(vtag) * 10;
    else score += 20;
    if (score > bestScore) {
      best = voice;
      bestScore = score;
    }
  }
  return { voice: best, speak: Boolean(best) || primary === "en" };
}

function normTag(tag) {
  return String(tag || "").trim().replace(/_/g, "-").toLowerCase();
}

function family(tag) {
  // Chinese voices say zh-CN, cmn-Hans-CN or yue-HK: one family for the choice.
  const first = tag.split("-")[0];
  return ["cmn", "yue", "zh"].includes(first) ? "zh" : first;
}

function zhRank(tag) {
  // Mandarin in simplified script 3, other Mandarin 2, Cantonese 1.
  const parts = tag.split("-");
  if (parts[0] === "yue" || parts.includes("hk") || parts.includes("mo")) return 1;
  if (parts.includes("hans") || parts.includes("cn") || parts.includes("sg") || parts.length === 1) return 3;
  return 2;
}

export function sizeOf(width) {
  let name = SIZES[0][0];
  for (const [size, min] of SIZES) if (width >= min) name = size;
  return name;
}

// ---------------------------------------------------------------- one controller per model
// anywidget hands each view (and initialize) its own stand-in of the model, so a timer is
// known by the id Python gives it (`timer_id`), or by the model object if it has none.
const CONTROLLERS = new Map();

function controllerFor(model) {
  const key = model.get("timer_id") || model;
  let ctrl = CONTROLLERS.get(key);
  if (!ctrl || ctrl.disposed) {
    ctrl = new Controller(model);
    ctrl.registryKey = key;
    CONTROLLERS.set(key, ctrl);
  }
  return ctrl;
}

class Controller {
  constructor(model) {
    this.model = model;
    this.views = new Set();
    this.owned = false; // true: lives as long as the model (anywidget's initialize)
    this.disposed = false;
    this.closedText = "";
    this.st = { status: "ready", index: 0, banked: 0, anchor: 0, headsUpShown: -1 };
    this.tr = makeTranslator(model.get("i18n"));
    this.voiceChoice = null; // {voice, speak} for the language (see pickVoice)
    this.voiceMissing = false; // speech wanted, but no voice speaks the language: tones only
    this.pictures = new Map(); // key -> URL (from the kernel, or embedded in the state)
    this.requested = new Set();
    this.blobUrls = [];
    this.visits = []; // what happened (for the end summary, with no Python needed)
    this.visit = null;
    this.audio = null;
    this.tones = []; // scheduled: {id, cue, cueAt, at, osc}
    this.anchors = [];
    this.anchoredAt = 0;
    this.spoke = false;
    this.kernel = false; // a Python kernel answered
    this.noKernel = false;
    this.deadlineTimer = null;
    this.wakeLock = null;
    this.wantLock = false;
    this.loadPlan();
    this.off = [];
    const on = (name, fn) => {
      model.on(name, fn);
      this.off.push(() => model.off(name, fn));
    };
    on("msg:custom", (msg, buffers) => this.onCustom(msg, buffers));
    on("change:variant", () => this.onPlanChange());
    on("change:legs", () => this.onPlanChange());
    on("change:plans", () => this.onPlanChange());
    on("change:steps", () => this.onPlanChange());
    on("change:pictures", () => this.eachView((v) => v.show()));
    on("change:sound", () => this.onSound());
    on("change:speech", () => {
      this.pickVoice();
      this.eachView((v) => {
        v.paintOptions();
        v.paintNotice();
      });
    });
    on("change:presentation", () => this.eachView((v) => v.paintOptions()));
    on("change:notice", () => this.eachView((v) => v.paintNotice()));
    this.interval = setInterval(() => this.tick(), REPAINT_MS);
    this.onVisibility = () => {
      this.tick();
      if (document.visibilityState === "visible" && this.st.status === "running") this.lockScreen();
    };
    document.addEventListener("visibilitychange", this.onVisibility);
    const { t } = this.tr;
    this.unwatch = watchKernel(model, () => this.dispose(t("The Python kernel restarted.")));
    this.kernel = Boolean(this.unwatch); // JupyterLab or Voila: a kernel is behind the page
    this.send({ type: "hello", t: epochMs(performance.now()) });
    this.requestPictures();
    this.pickVoice();
    this.kernelTimer = setTimeout(() => {
      if (this.kernel || this.disposed) return;
      this.noKernel = true;
      this.eachView((v) => v.paintOptions());
    }, KERNEL_WAIT_MS);
  }

  // ---------------------------------------------------------------- plan
  get key() {
    return `${this.model.get("variant")}/${this.model.get("legs")}`;
  }
  loadPlan() {
    this.session = this.model.get("session") || {};
    const plans = this.model.get("plans") || {};
    const plan = plans[this.key] || Object.values(plans)[0] || { segments: [], total_ms: 0 };
    this.totalMs = plan.total_ms;
    this.segments = planSegments(plan, this.model.get("steps") || [], this.session, this.tr.t);
    this.st.index = Math.min(this.st.index, Math.max(0, this.segments.length - 1));
  }
  onPlanChange() {
    if (this.disposed) return;
    this.loadPlan();
    this.requestPictures();
    this.eachView((v) => v.build());
    this.refresh(performance.now(), true);
  }
  choose(name, value) {
    // The trainer picks a length or legs before Start: switch here at once (no Python
    // round trip), and tell Python (it follows through the synced trait).
    if (this.st.status !== "ready" || this.model.get(name) === value) return;
    this.model.set(name, value);
    this.model.save_changes();
    this.onPlanChange();
  }
  seg() {
    return this.segments[this.st.index];
  }
  elapsed(now) {
    return stepElapsed(this.st, this.segments, now);
  }

  // ---------------------------------------------------------------- views
  attach(view) {
    this.views.add(view);
    view.build();
    view.paintOptions();
    view.paintNotice();
    view.paint(performance.now());
    if (this.views.size === 1) this.scheduleSounds(performance.now(), false);
  }
  detach(view) {
    this.views.delete(view);
    if (this.views.size) return;
    if (!this.owned) this.dispose(""); // no model lifecycle to wait for
    else this.cancelTones(this.tones); // no view left (outputs cleared): no sound either
  }
  eachView(fn) {
    for (const view of this.views) fn(view);
  }

  // ---------------------------------------------------------------- time
  tick() {
    if (this.disposed) return;
    const now = performance.now();
    if (!this.advance(now) && this.tones.length && now - this.anchoredAt > REANCHOR_MS) {
      this.scheduleSounds(now, false); // follow the audio clock's drift
    }
    this.eachView((v) => v.paint(now));
  }
  advance(now) {
    const crossed = advanceState(this.st, this.segments, now);
    if (!crossed.length) return false;
    for (const { from, to, deadline } of crossed) {
      this.closeVisit(deadline, "completed", from);
      if (to !== null) this.openVisit(deadline);
      this.send({ type: "step", from, to, t: epochMs(deadline) });
      this.dispatch({ index: to, from, reason: "completed", deadline, t: performance.now() });
    }
    const late = now - crossed[crossed.length - 1].deadline;
    this.entered(announcement(crossed, this.segments), late);
    this.refresh(now, false);
    return true;
  }
  act(name, index) {
    if (this.disposed) return;
    const now = performance.now();
    this.advance(now);
    const from = this.st.index;
    const was = this.st.status;
    if (!applyAction(this.st, this.segments, name, now, index)) return;
    const message = { type: "action", action: name, t: epochMs(now) };
    if (name === "jump") message.index = index;
    this.send(message);
    this.record(name, was, from, now);
    const resumed = was === "paused" && (name === "start" || name === "resume");
    if (name !== "pause" && !resumed) {
      this.dispatch({ index: this.current(), from, reason: name, deadline: now, t: now });
      this.entered({ index: this.current() }, 0);
    }
    this.refresh(now, true);
  }
  current() {
    return this.st.status === "finished" ? null : this.st.index;
  }
  toggle() {
    if (this.st.status === "running") this.act("pause");
    else {
      this.act(this.st.status === "paused" ? "resume" : "start"); // anchor first
      this.unlockAudio(); // a click: the browser allows sound from now on
    }
  }
  applyState(msg) {
    // A snapshot from the kernel (an answer to hello, or an action made from Python code):
    // re-anchor on our clock.
    if (!STATUSES.includes(msg.status) || !this.segments.length) return;
    const now = performance.now();
    const st = this.st;
    const from = st.index;
    const before = st.status;
    if (before === "ready" && msg.status === "ready" && from === msg.index) return;
    st.status = msg.status;
    st.index = Math.min(Math.max(0, msg.index | 0), this.segments.length - 1);
    st.banked = Math.max(0, Math.min(Number(msg.elapsed_ms) || 0, this.seg().planned_ms));
    st.anchor = now;
    if (from !== st.index || before !== st.status) {
      this.closeVisit(now, "kernel", from);
      if (st.status === "running" || st.status === "paused") this.openVisit(now - st.banked);
    }
    if (from !== st.index || (before === "ready" && st.status === "running")) {
      this.dispatch({ index: this.current(), from, reason: "kernel", deadline: now, t: now });
      this.entered({ index: this.current() }, 0);
    }
    this.refresh(now, true);
  }
  onNudge() {
    // The kernel saw a deadline pass (its asyncio timer is not throttled in a hidden tab):
    // look now. If our own deadline is a hair ahead, wait it out rather than sleep on a
    // page timer that a hidden tab may delay by a second or more.
    if (this.st.status !== "running") return;
    const due = this.dueTime();
    let now = performance.now();
    if (due - now > NUDGE_WAIT_MS) return;
    if (due > now && document.visibilityState === "visible") return; // our timer is on time
    while (now < due) now = performance.now();
    this.advance(now);
  }
  dueTime() {
    return this.st.anchor + this.seg().planned_ms - this.st.banked;
  }
  armDeadline(now) {
    // Page timers fire a few ms late (more under load): wake EARLY_MS before the deadline
    // and wait out the last few milliseconds, so the step changes within ~1 ms of it.
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    if (this.disposed || this.st.status !== "running") return;
    this.deadlineTimer = setTimeout(
      () => this.onDeadline(),
      Math.max(0, this.dueTime() - now - EARLY_MS),
    );
  }
  onDeadline() {
    this.deadlineTimer = null;
    if (this.disposed || this.st.status !== "running") return;
    const due = this.dueTime();
    let now = performance.now();
    if (due - now > EARLY_MS + 2) return this.armDeadline(now); // far too early: sleep again
    while (now < due) now = performance.now();
    if (!this.advance(now)) this.armDeadline(now);
  }
  refresh(now, userMove) {
    this.scheduleSounds(now, userMove);
    if (this.st.status === "running") this.lockScreen();
    else this.releaseScreen();
    this.armDeadline(now);
    this.requestPictures();
    this.eachView((v) => v.paint(now));
  }

  // ---------------------------------------------------------------- what happened
  openVisit(at) {
    this.visit = { segment: this.st.index, entered: at, paused: 0, pausedAt: null };
  }
  closeVisit(at, outcome, segment) {
    const v = this.visit;
    if (!v || v.segment !== segment) return;
    if (v.pausedAt !== null) v.paused += at - v.pausedAt;
    const planned = this.segments[segment] ? this.segments[segment].planned_ms : 0;
    const actual = Math.max(0, at - v.entered - v.paused);
    this.visits.push({ segment, planned_ms: planned, actual_ms: actual, paused_ms: v.paused, outcome });
    this.visit = null;
  }
  record(name, was, from, now) {
    const st = this.st;
    if (name === "pause" && this.visit) this.visit.pausedAt = now;
    else if ((name === "resume" || (name === "start" && was === "paused")) && this.visit) {
      if (this.visit.pausedAt !== null) this.visit.paused += now - this.visit.pausedAt;
      this.visit.pausedAt = null;
    } else if (name === "start") {
      this.visits = []; // a new run
      this.openVisit(now);
    } else if (name === "reset") {
      this.closeVisit(now, "reset", from);
    } else {
      const outcome = { next: "skipped", back: "back", jump: "jumped", restart: "restarted" }[name];
      this.closeVisit(now, outcome || name, from);
      if (st.status !== "finished") {
        this.openVisit(now);
        if (st.status === "paused") this.visit.pausedAt = now;
      }
    }
  }
  summary() {
    // Planned against actual time of the run that just finished (no Python needed).
    const planned = this.totalMs;
    const actual = this.visits.reduce((sum, v) => sum + v.actual_ms, 0);
    const paused = this.visits.reduce((sum, v) => sum + v.paused_ms, 0);
    return { planned, actual, paused, visits: this.visits };
  }

  // ---------------------------------------------------------------- effects
  dispatch(detail) {
    // A DOM event per step change (tests and benches listen): each names its own step.
    this.eachView((v) => v.root.dispatchEvent(new CustomEvent("cct-step", { bubbles: true, detail })));
  }
  entered(say, lateMs) {
    this.st.headsUpShown = -1;
    this.eachView((v) => {
      v.show();
      v.announce();
      v.flash(this.st.status === "finished" ? "end" : "step");
    });
    if (say) this.speak(say, lateMs);
  }
  speak(say, lateMs) {
    if (!this.model.get("speech") || !("speechSynthesis" in window) || !this.views.size) return;
    if (this.st.status === "ready") return;
    const { t, lang } = this.tr;
    const s = this.seg();
    const text =
      say.index === null
        ? t("Finished.")
        : s.kind === "switch"
          ? t("{title}. {leg}.", { title: s.title, leg: s.leg_label })
          : t("Step {number}. {title}.", { number: s.number, title: s.title });
    const choice = this.voiceChoice || chooseVoice(window.speechSynthesis.getVoices(), lang);
    if (choice.speak) {
      try {
        window.speechSynthesis.cancel();
        const utterance = new SpeechSynthesisUtterance(text);
        utterance.lang = lang; // the browser reads the words as this language
        if (choice.voice) utterance.voice = choice.voice;
        window.speechSynthesis.speak(utterance);
        this.spoke = true;
      } catch {}
    }
    const detail = {
      text,
      lang,
      voice: choice.voice ? choice.voice.name : null,
      spoken: choice.speak,
      index: say.index,
      late: lateMs,
      t: performance.now(),
    };
    this.eachView((v) => v.root.dispatchEvent(new CustomEvent("cct-speak", { bubbles: true, detail })));
  }
  pickVoice() {
    // Choose the voice for the language once the browser has listed its voices (Chromium
    // lists them late, with "voiceschanged"; an empty list is waited for a moment before it
    // counts as "no voice"). Without one the timer says so in its notice: tones only.
    if (this.disposed || !this.model.get("speech")) return;
    if (!("speechSynthesis" in window)) {
      this.voiceChoice = { voice: null, speak: false };
      this.voiceMissing = true;
      this.eachView((v) => v.paintNotice());
      return;
    }
    const synth = window.speechSynthesis;
    const decide = (final) => {
      if (this.disposed) return;
      const voices = synth.getVoices() || [];
      if (!voices.length && !final) return;
      this.voiceChoice = chooseVoice(voices, this.tr.lang);
      this.voiceMissing = !this.voiceChoice.speak;
      this.eachView((v) => v.paintNotice());
    };
    if (!this.onVoices) {
      this.onVoices = () => decide(true);
      if (synth.addEventListener) synth.addEventListener("voiceschanged", this.onVoices);
      this.voiceTimer = setTimeout(() => decide(true), VOICE_WAIT_MS);
    }
    decide(false);
  }

  // ---------------------------------------------------------------- sound
  unlockAudio() {
    if (this.disposed || !this.model.get("sound")) return;
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    try {
      if (!this.audio) {
        this.audio = new Ctx();
        this.audio.addEventListener("statechange", () => {
          this.anchors = []; // a suspended audio clock stood still: measure its rate anew
          this.eachView((v) => v.paintOptions());
          this.scheduleSounds(performance.now(), false);
        });
      }
      if (this.audio.state === "suspended") this.audio.resume().catch(() => {});
    } catch {
      this.audio = null;
    }
    this.scheduleSounds(performance.now(), false);
    this.eachView((v) => v.paintOptions());
  }
  soundState() {
    // What the sound button may honestly claim.
    if (!this.model.get("sound")) return "off";
    if (this.audio && this.audio.state === "running") return "on";
    if (this.st.status === "ready") return "armed"; // Start is the click that unlocks it
    return "blocked"; // wanted, but the browser waits for a click in this page
  }
  anchorAudio(now) {
    // Where the audio clock is, in page time: the output timestamp says which audio time
    // is being heard at which performance.now(), latency included.
    const ctx = this.audio;
    let anchor = null;
    if (ctx.getOutputTimestamp) {
      const ts = ctx.getOutputTimestamp();
      if (ts && ts.contextTime > 0 && ts.performanceTime > 0) {
        anchor = { perf: ts.performanceTime, ctx: ts.contextTime };
      }
    }
    if (!anchor) {
      const latency = (ctx.outputLatency || 0) + (ctx.baseLatency || 0);
      anchor = { perf: now, ctx: ctx.currentTime - latency };
    }
    this.anchors.push(anchor);
    this.anchoredAt = now;
    if (this.anchors.length > 64) this.anchors.splice(1, 1); // keep the first (rate) and recent
    return audioMapping(this.anchors);
  }
  scheduleSounds(now, userMove) {
    // Make the scheduled tones match the plan from here on, by identity (re-anchored on
    // the audio clock at every step change, so drift does not build up).
    const playing =
      this.audio && this.audio.state === "running" && this.model.get("sound") && this.views.size;
    const st = this.st;
    if (!playing || st.status !== "running") {
      this.cancelTones(userMove || !playing ? this.tones : []);
      this.paintTones();
      return;
    }
    const map = this.anchorAudio(now);
    const wanted = cueTones(upcomingCues(st, this.segments, now), this.session.tones);
    const { keep, cancel, add } = reconcileTones(this.tones, wanted, now);
    // A user move (pause, skip, jump...) cancels everything not yet due; tones whose cue
    // is due keep playing (all beeps of it).
    this.cancelTones(cancel);
    this.tones = keep;
    for (const tone of add) this.playTone(tone, map);
    this.paintTones();
  }
  cancelTones(list) {
    for (const tone of list) {
      try {
        tone.osc.stop();
      } catch {}
      tone.osc.disconnect();
    }
    const gone = new Set(list);
    this.tones = this.tones.filter((tone) => !gone.has(tone));
  }
  playTone(tone, map) {
    const kind = tone.cue.split("/")[1];
    const spec = this.session.tones && this.session.tones[kind];
    if (!spec) return;
    const audio = this.audio;
    const start = Math.max(audioTimeOf(map, tone.at), 0);
    const end = start + spec.seconds;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = spec.wave || "sine";
    osc.frequency.value = spec.frequency;
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(spec.volume, start + 0.015);
    gain.gain.setValueAtTime(spec.volume, Math.max(start + 0.015, end - 0.04));
    gain.gain.linearRampToValueAtTime(0, end);
    osc.connect(gain).connect(audio.destination);
    osc.start(start);
    osc.stop(end + 0.02);
    const scheduled = { ...tone, osc, start };
    osc.addEventListener("ended", () => {
      this.tones = this.tones.filter((t) => t !== scheduled);
      this.paintTones();
    });
    this.tones.push(scheduled);
  }
  paintTones() {
    // Tones scheduled and not yet ended (for tests); and their identities.
    this.eachView((v) => {
      v.root.dataset.tones = String(this.tones.length);
    });
  }
  onSound() {
    if (this.model.get("sound")) this.unlockAudio();
    this.scheduleSounds(performance.now(), true);
    this.eachView((v) => v.paintOptions());
  }
  setOption(name) {
    this.model.set(name, !this.model.get(name));
    this.model.save_changes();
    if (name === "sound") this.onSound();
    if (name === "speech") {
      if (!this.model.get("speech") && "speechSynthesis" in window) window.speechSynthesis.cancel();
      this.eachView((v) => v.paintOptions());
    }
  }

  // ---------------------------------------------------------------- pictures
  picture(key) {
    if (!key) return "";
    return this.pictures.get(key) || (this.model.get("pictures") || {})[key] || "";
  }
  requestPictures() {
    // Ask the kernel for the pictures of this step and the next two (drawn once per
    // process; each arrives as one binary message). Embedded pictures need no asking.
    if (this.disposed || this.noKernel) return;
    const embedded = this.model.get("pictures") || {};
    const keys = [];
    for (let i = this.st.index; i < Math.min(this.segments.length, this.st.index + 3); i += 1) {
      const key = this.segments[i].picture;
      if (key && !this.requested.has(key) && !(key in embedded)) keys.push(key);
    }
    if (!keys.length) return;
    for (const key of keys) this.requested.add(key);
    this.send({ type: "pictures", keys });
  }
  onPicture(msg, buffers) {
    let url = "";
    if (msg.mime && buffers && buffers.length) {
      url = URL.createObjectURL(new Blob([buffers[0]], { type: msg.mime }));
      this.blobUrls.push(url);
    }
    this.pictures.set(msg.key, url);
    this.eachView((v) => v.show());
  }

  // ---------------------------------------------------------------- wake lock
  async lockScreen() {
    this.wantLock = true;
    if (this.wakeLock || !navigator.wakeLock || document.visibilityState !== "visible") return;
    try {
      const lock = await navigator.wakeLock.request("screen");
      if (!this.wantLock || this.disposed) lock.release().catch(() => {});
      else {
        this.wakeLock = lock;
        lock.addEventListener("release", () => {
          if (this.wakeLock === lock) this.wakeLock = null;
        });
      }
    } catch {}
  }
  releaseScreen() {
    this.wantLock = false;
    if (this.wakeLock) this.wakeLock.release().catch(() => {});
    this.wakeLock = null;
  }

  // ---------------------------------------------------------------- wiring
  send(message) {
    if (this.disposed) return;
    try {
      this.model.send(message);
    } catch {} // no kernel (a static page): the timer needs no answer
  }
  onCustom(msg, buffers) {
    if (!msg || this.disposed) return;
    if (!this.kernel || this.noKernel) {
      this.kernel = true; // Python answered after all
      this.noKernel = false;
      this.eachView((v) => v.paintOptions());
    }
    if (msg.type === "state") this.applyState(msg);
    else if (msg.type === "nudge") this.onNudge();
    else if (msg.type === "picture") this.onPicture(msg, buffers);
    else if (msg.type === "stop") {
      const { t } = this.tr;
      this.dispose(t("Replaced by a newer timer, or closed from Python."));
    }
  }
  dispose(reason) {
    // The model is closed (or its kernel is gone): stop the clock, fall silent, say so.
    if (this.disposed) return;
    this.disposed = true;
    if (CONTROLLERS.get(this.registryKey) === this) CONTROLLERS.delete(this.registryKey);
    const { t } = this.tr;
    this.closedText = reason || t("Closed.");
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.kernelTimer);
    clearTimeout(this.voiceTimer);
    if (this.onVoices && "speechSynthesis" in window && window.speechSynthesis.removeEventListener) {
      window.speechSynthesis.removeEventListener("voiceschanged", this.onVoices);
    }
    clearInterval(this.interval);
    this.cancelTones(this.tones);
    if (this.audio) this.audio.close().catch(() => {});
    this.audio = null;
    if (this.spoke && "speechSynthesis" in window) window.speechSynthesis.cancel();
    this.releaseScreen();
    document.removeEventListener("visibilitychange", this.onVisibility);
    for (const off of this.off) off();
    if (this.unwatch) this.unwatch();
    for (const url of this.blobUrls) URL.revokeObjectURL(url);
    this.eachView((v) => v.close(this.closedText));
  }
}

function watchKernel(model, onGone) {
  // JupyterLab and Voila: a kernel restart leaves the old widgets on the page with no
  // kernel behind them; stop this timer's clock and sound when that happens.
  const manager = model.widget_manager;
  let kernel = null;
  try {
    kernel = manager && manager.kernel;
  } catch {}
  const signal = kernel && kernel.statusChanged;
  if (!signal || typeof signal.connect !== "function") return null;
  // "starting" after we were made means a new kernel process: the kernel menu's restart
  // says "restarting" first; a restart through the server's API only says "starting".
  const gone = new Set(["restarting", "autorestarting", "starting", "dead"]);
  const slot = (_kernel, status) => {
    if (gone.has(status)) onGone();
  };
  signal.connect(slot);
  return () => {
    try {
      signal.disconnect(slot);
    } catch {}
  };
}

// ---------------------------------------------------------------- a view (paints only)
let viewCount = 0;

function makeView(ctrl, el) {
  const model = ctrl.model;
  const { t } = ctrl.tr;
  const spaceKey = t("Space");
  const comma = t(", ");
  const LABELS = { ready: t("Start"), running: t("Pause"), paused: t("Resume"), finished: t("Start again") };
  const STATUS_TEXT = { ready: t("Ready"), running: t("Running"), paused: t("Paused"), finished: t("Finished") };
  const OUTCOMES = {
    skipped: t("skipped"),
    back: t("went back"),
    jumped: t("jumped"),
    restarted: t("restarted"),
    reset: t("reset"),
    kernel: t("moved from Python"),
  };
  const outcomeText = (outcome) => OUTCOMES[outcome] || outcome;
  const id = `cct-${++viewCount}`;
  const host = h("div", { class: "cct-host" });
  const root = h("div", {
    class: "cct-timer",
    tabindex: "0",
    role: "region",
    "aria-label": t("Step timer"),
    "aria-describedby": `${id}-keys`,
    "data-testid": "step-timer",
    "data-lm-suppress-shortcuts": "true",
  });
  host.append(root);
  const flashBox = h("div", { class: "cct-flash", "aria-hidden": "true" });
  const header = h("div", { class: "cct-header" });
  const routineTitle = h("span", { class: "cct-routine-title" });
  const legBadge = h("span", { class: "cct-leg" });
  const stepCount = h("span", { class: "cct-step-count", "data-testid": "step-count" });
  const statusBadge = h("span", { class: "cct-status" });
  header.append(routineTitle, legBadge, statusBadge, stepCount);

  const main = h("div", { class: "cct-main" });
  const figure = h("figure", { class: "cct-figure" });
  const img = h("img", { class: "cct-picture", alt: "" });
  const pending = h("div", { class: "cct-picture-pending" }, t("Picture loading…"));
  figure.append(img, pending);

  const body = h("div", { class: "cct-body" });
  const technique = h("div", { class: "cct-technique" });
  const title = h("h2", { class: "cct-title", "data-testid": "step-title" });
  const points = h("div", { class: "cct-points" });
  const instructions = h("p", { class: "cct-instructions" });
  const hand = h("p", { class: "cct-hand" });
  const caution = h("p", { class: "cct-caution", role: "note" });
  const countdown = h("div", { class: "cct-countdown", "data-testid": "countdown" });
  const stepBar = h("div", { class: "cct-bar cct-step-bar", "aria-hidden": "true" });
  const stepFill = h("div", { class: "cct-fill" });
  stepBar.append(stepFill);
  const next = h("div", { class: "cct-next" });
  body.append(technique, title, points, instructions, hand, caution);
  const clock = h("div", { class: "cct-clock" });
  clock.append(countdown, stepBar, next);
  main.append(clock, figure, body);

  // Before Start: the length and the legs (the timer carries every plan).
  const choices = h("div", { class: "cct-choices", "data-testid": "timer-choices" });
  const groups = {};
  const choiceGroup = (name, values, label) => {
    const set = h("fieldset", { class: `cct-choice cct-choice-${name}` });
    set.append(h("legend", {}, label));
    groups[name] = {};
    for (const value of values) {
      const lab = h("label", { class: "cct-option" });
      const input = h("input", { type: "radio", name: `${id}-${name}`, value });
      input.addEventListener("change", () => {
        if (input.checked) ctrl.choose(name, value);
      });
      const text = h("span", {});
      lab.append(input, text);
      set.append(lab);
      groups[name][value] = { input, text };
    }
    return set;
  };
  const words = ctrl.session.choices || {};
  choices.append(
    choiceGroup("variant", VARIANTS, words.length || t("Length")),
    choiceGroup("legs", LEG_CHOICES, words.legs || t("Legs")),
  );

  const overall = h("div", { class: "cct-overall" });
  const overallBar = h("div", { class: "cct-bar cct-overall-bar", "aria-hidden": "true" });
  const overallFill = h("div", { class: "cct-fill" });
  overallBar.append(overallFill);
  const overallText = h("span", { class: "cct-overall-text" });
  overall.append(overallBar, overallText);

  const keys = {};
  for (const k of ctrl.session.keys || []) keys[k.action] = k;
  const controls = h("div", { class: "cct-controls", role: "toolbar", "aria-label": t("Timer controls") });
  const primary = h("div", { class: "cct-primary" });
  const secondary = h("div", { class: "cct-secondary" });
  const button = (cls, icon, label, action, onClick) => {
    const b = h("button", { type: "button", class: `cct-btn ${cls}` });
    const iconSpan = h("span", { class: "cct-icon", "aria-hidden": "true" }, icon);
    const labelSpan = h("span", { class: "cct-label" }, label);
    b.append(iconSpan, labelSpan);
    const key = keys[action];
    if (key) {
      b.setAttribute("aria-keyshortcuts", key.key === " " ? "Space" : key.key.length === 1 ? key.key.toUpperCase() : key.key); // i18n: ignore
      b.title = t("{label} (key: {key})", { label, key: key.name });
    }
    b.addEventListener("click", (event) => {
      event.stopPropagation();
      onClick();
      root.focus({ preventScroll: true });
    });
    b.iconSpan = iconSpan;
    b.labelSpan = labelSpan;
    return b;
  };
  const backBtn = button("cct-back", "«", t("Back"), "back", () => ctrl.act("back"));
  const toggleBtn = button("cct-toggle", "▶", t("Start"), "toggle", () => ctrl.toggle());
  const nextBtn = button("cct-next-btn", "»", t("Next"), "next", () => ctrl.act("next"));
  const restartBtn = button("cct-restart", "↺", t("Restart step"), "restart", () => ctrl.act("restart"));
  const resetBtn = button("cct-reset", "⟲", t("Reset"), "reset", () => ctrl.act("reset"));
  const soundBtn = button("cct-sound", "♪", t("Sound"), "sound", () => onSoundButton());
  const speechBtn = button("cct-speech", "❝", t("Voice"), "speech", () => ctrl.setOption("speech"));
  primary.append(backBtn, toggleBtn, nextBtn);
  secondary.append(restartBtn, resetBtn, soundBtn, speechBtn);
  controls.append(primary, secondary);

  // The keyboard shortcuts, written where people see them (and read by screen readers).
  const keysHint = h("p", { class: "cct-keys", id: `${id}-keys`, "data-testid": "timer-keys" });
  keysHint.append(h("span", { class: "cct-keys-title" }, t("Keys")));
  for (const k of ctrl.session.keys || []) {
    const item = h("span", { class: "cct-key-item" });
    item.append(h("kbd", {}, k.name), h("span", {}, ` ${k.label}`));
    keysHint.append(item);
  }
  const soundHint = h("p", { class: "cct-hint", "data-testid": "timer-sound-hint" });
  const hiddenHint = h("p", { class: "cct-hint", "data-testid": "timer-hidden-hint" });
  const summary = h("div", { class: "cct-summary", "data-testid": "timer-summary" });
  const closedNote = h("p", { class: "cct-closed-note", role: "status" });
  closedNote.hidden = true;

  const listBox = h("details", { class: "cct-steps" });
  const listSummary = h("summary", {}, t("All steps"));
  const list = h("ol", { class: "cct-step-list" });
  listBox.append(listSummary, list);

  // Screen readers hear the step at each change, not the countdown every second.
  const live = h("div", { class: "cct-sr", "aria-live": "polite", "data-testid": "timer-live" });
  // A message from Python about this session (for example "Session saved"): plain text.
  const notice = h("p", { class: "cct-notice", role: "status", "data-testid": "timer-notice" });
  const noticeText = h("span", { class: "cct-notice-text" });
  // No voice for the language: said here, in the same status line (tones only).
  const voiceNotice = h("span", { class: "cct-voice-notice", "data-testid": "timer-voice-notice" });
  notice.append(noticeText, voiceNotice);
  notice.hidden = true;
  root.append(
    flashBox,
    header,
    choices,
    main,
    overall,
    controls,
    soundHint,
    summary,
    notice,
    closedNote,
    keysHint,
    hiddenHint,
    listBox,
    live,
  );
  el.append(host);

  function onSoundButton() {
    // "blocked": the click is the gesture the browser waits for; do not turn sound off.
    if (ctrl.soundState() === "blocked") ctrl.unlockAudio();
    else ctrl.setOption("sound");
  }

  const resize =
    typeof ResizeObserver === "function"
      ? new ResizeObserver((entries) => {
          for (const entry of entries) root.dataset.size = sizeOf(entry.contentRect.width);
        })
      : null;
  if (resize) resize.observe(host);
  else root.dataset.size = "laptop";

  function onKey(event) {
    if (event.target !== root && ["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName)) {
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = (ctrl.session.keys || []).find(
      (k) => k.key === event.key || k.key === event.key.toLowerCase(),
    );
    if (!key || ctrl.disposed) return;
    if (key.action === "toggle") ctrl.toggle();
    else if (key.action === "sound") onSoundButton();
    else ctrl.act(key.action);
    event.preventDefault();
    event.stopPropagation();
  }
  root.addEventListener("keydown", onKey);

  const last = {};
  function setText(node, key, text) {
    if (last[key] !== text) {
      node.textContent = text;
      last[key] = text;
    }
  }

  const view = { root };

  view.build = () => {
    const segments = ctrl.segments;
    const both = model.get("legs") === "both";
    list.replaceChildren();
    segments.forEach((seg, i) => {
      const item = h("li", { class: `cct-item cct-item-${seg.kind}` });
      const label = seg.kind === "switch" ? seg.title : `${seg.number}. ${seg.title}`;
      const b = h("button", { type: "button", class: "cct-jump", "data-index": String(i) });
      b.append(h("span", { class: "cct-jump-title" }, label));
      if (both) b.append(h("span", { class: "cct-jump-leg" }, seg.leg_label));
      b.append(h("span", { class: "cct-jump-time" }, clockText(seg.planned_ms)));
      b.setAttribute("aria-label", t("Jump to {step} ({leg})", { step: label, leg: seg.leg_label }));
      b.addEventListener("click", (event) => {
        event.stopPropagation();
        ctrl.act("jump", i);
        root.focus({ preventScroll: true });
      });
      item.append(b);
      list.append(item);
    });
    const plans = model.get("plans") || {};
    for (const value of VARIANTS) {
      const plan = plans[`${value}/${model.get("legs")}`];
      const g = groups.variant[value];
      g.text.textContent = `${words[value] || value}${plan ? ` ${clockText(plan.total_ms)}` : ""}`;
      g.input.checked = model.get("variant") === value;
    }
    for (const value of LEG_CHOICES) {
      groups.legs[value].text.textContent = words[value] || value;
      groups.legs[value].input.checked = model.get("legs") === value;
    }
    view.show();
  };

  view.show = () => {
    if (!ctrl.segments.length) return;
    const st = ctrl.st;
    const s = ctrl.seg();
    const session = ctrl.session;
    routineTitle.textContent = session.title || "";
    const finished = st.status === "finished";
    const finish = session.finish || {};
    root.dataset.kind = s.kind;
    root.dataset.leg = s.leg;
    root.dataset.index = String(st.index);
    legBadge.textContent = s.leg_label;
    legBadge.hidden = model.get("legs") !== "both" || finished;
    stepCount.textContent = finished
      ? t("Done")
      : s.kind === "switch"
        ? t("Switch")
        : t("Step {number} / {count}", { number: s.number, count: s.count });
    technique.textContent = finished ? finish.technique || "" : s.technique;
    technique.hidden = !technique.textContent;
    title.textContent = finished ? finish.title || "" : s.title;
    points.textContent = finished ? "" : s.points.join(" · ");
    points.hidden = !points.textContent;
    instructions.textContent = finished ? finish.instructions || "" : s.instructions;
    hand.textContent = s.hand && !finished ? t("Hand: {hand}", { hand: s.hand }) : "";
    hand.hidden = !hand.textContent;
    caution.textContent = s.caution && !finished ? t("Caution: {caution}", { caution: s.caution }) : "";
    caution.hidden = !caution.textContent;
    const src = !finished && ctrl.picture(s.picture);
    const waiting = !finished && s.picture && !src && !ctrl.noKernel && !ctrl.pictures.has(s.picture);
    figure.hidden = !src && !waiting;
    img.hidden = !src;
    pending.hidden = !waiting;
    root.classList.toggle("cct-no-picture", figure.hidden);
    if (src && img.getAttribute("src") !== src) img.src = src;
    img.alt =
      s.alt ||
      (s.points.length
        ? t("{leg}: {points} highlighted", { leg: s.leg_label, points: s.points.join(comma) })
        : t("{leg}: the calf", { leg: s.leg_label }));
    const nextSeg = ctrl.segments[st.index + 1];
    next.textContent = finished
      ? ""
      : nextSeg
        ? nextSeg.leg !== s.leg
          ? t("Next: {step} ({leg})", { step: nextSeg.title, leg: nextSeg.leg_label })
          : t("Next: {step}", { step: nextSeg.title })
        : t("Last step");
    for (const item of list.querySelectorAll(".cct-jump")) {
      const i = Number(item.dataset.index);
      if (i === st.index && !finished) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
      item.classList.toggle("cct-done", finished || i < st.index);
    }
    paintSummary();
  };

  view.announce = () => {
    const s = ctrl.seg();
    const finished = ctrl.st.status === "finished";
    live.textContent = finished
      ? title.textContent
      : t("{count}: {title}. {time}.", {
          count: stepCount.textContent,
          title: s.title,
          time: clockText(s.planned_ms - ctrl.elapsed(performance.now())),
        });
  };

  function paintSummary() {
    const finished = ctrl.st.status === "finished";
    summary.hidden = !finished;
    if (!finished) return;
    const { planned, actual, paused, visits } = ctrl.summary();
    summary.replaceChildren();
    const line = h("p", { class: "cct-summary-line" });
    line.textContent =
      paused >= 1000
        ? t("Planned {planned} · actual {actual} · paused {paused}", {
            planned: clockText(planned),
            actual: clockText(actual),
            paused: clockText(paused),
          })
        : t("Planned {planned} · actual {actual}", { planned: clockText(planned), actual: clockText(actual) });
    summary.append(line);
    if (!visits.length) return;
    const table = h("table", { class: "cct-summary-table" });
    const head = h("tr", {});
    for (const text of [t("Step"), t("Planned"), t("Actual"), ""]) head.append(h("th", { scope: "col" }, text));
    table.append(head);
    for (const v of visits) {
      const seg = ctrl.segments[v.segment];
      if (!seg) continue;
      const row = h("tr", {});
      const name = seg.kind === "switch" ? seg.title : `${seg.number}. ${seg.title}`;
      row.append(
        h("td", {}, model.get("legs") === "both" ? t("{step} ({leg})", { step: name, leg: seg.leg_label }) : name),
        h("td", {}, clockText(v.planned_ms)),
        h("td", {}, clockText(v.actual_ms)),
        h("td", {}, v.outcome === "completed" ? "" : outcomeText(v.outcome)),
      );
      table.append(row);
    }
    summary.append(table);
  }

  view.paint = (now) => {
    if (ctrl.disposed || !ctrl.segments.length) return;
    const st = ctrl.st;
    const s = ctrl.seg();
    const e = ctrl.elapsed(now);
    const left = s.planned_ms - e;
    root.dataset.status = st.status;
    choices.hidden = st.status !== "ready";
    setText(countdown, "countdown", clockText(left));
    stepFill.style.transform = `scaleX(${Math.min(1, e / s.planned_ms)})`;
    const done = st.status === "finished" ? ctrl.totalMs : s.start_ms + e;
    overallFill.style.transform = `scaleX(${Math.min(1, done / ctrl.totalMs)})`;
    setText(overallText, "overall", t("{time} left in total", { time: clockText(ctrl.totalMs - done) }));
    const heads = ctrl.session.heads_up_ms;
    root.classList.toggle(
      "cct-heads-up",
      st.status === "running" && heads > 0 && left <= heads && s.planned_ms > heads,
    );
    if (st.status === "running" && root.classList.contains("cct-heads-up") && st.headsUpShown !== st.index) {
      st.headsUpShown = st.index;
      ctrl.eachView((v) => v.flash("heads-up"));
    }
    const label = LABELS[st.status];
    if (last.toggle !== label) {
      toggleBtn.iconSpan.textContent = ICONS[st.status];
      toggleBtn.labelSpan.textContent = label;
      toggleBtn.title = t("{label} (key: {key})", { label, key: spaceKey });
      last.toggle = label;
      view.paintOptions();
    }
    setText(statusBadge, "status", STATUS_TEXT[st.status]);
  };

  view.paintOptions = () => {
    const state = ctrl.soundState();
    const sound = {
      on: t("Sound on"),
      armed: t("Sound on"),
      off: t("Sound off"),
      blocked: t("Click for sound"),
    }[state];
    soundBtn.labelSpan.textContent = sound;
    soundBtn.setAttribute("aria-pressed", String(state === "on" || state === "armed"));
    soundBtn.title = t("{label} (key: {key})", { label: sound, key: "M" });
    root.dataset.sound = state;
    soundHint.textContent =
      state === "blocked"
        ? t("No sound yet: your browser plays sound only after a click in this page. Click “{button}”.", { button: sound })
        : state === "armed"
          ? t("Sound starts when you press Start.")
          : "";
    soundHint.hidden = !soundHint.textContent || state === "armed";
    const speech = model.get("speech");
    speechBtn.labelSpan.textContent = speech ? t("Voice on") : t("Voice off");
    speechBtn.setAttribute("aria-pressed", String(speech));
    root.dataset.layout = model.get("presentation");
    hiddenHint.textContent = ctrl.noKernel
      ? t("This page runs the timer without Python. If you switch to another tab, the countdown stays right and tones stay on time, but the browser may slow the page: the screen and spoken step names can lag by up to a minute until you come back.")
      : "";
    hiddenHint.hidden = !hiddenHint.textContent;
    root.dataset.kernel = ctrl.kernel ? "yes" : ctrl.noKernel ? "no" : "unknown";
  };

  view.paintNotice = () => {
    noticeText.textContent = model.get("notice") || "";
    voiceNotice.textContent =
      model.get("speech") && ctrl.voiceMissing
        ? t("No voice in this browser speaks this language, so step names are not spoken: the tones mark each step.")
        : "";
    voiceNotice.hidden = !voiceNotice.textContent;
    if (noticeText.textContent && voiceNotice.textContent) voiceNotice.textContent = ` ${voiceNotice.textContent}`;
    notice.hidden = !noticeText.textContent && !voiceNotice.textContent;
  };

  let flashTimer = null;
  view.flash = (kind) => {
    root.dataset.flash = kind;
    flashBox.classList.add("cct-flash-on");
    const ms = ctrl.session.flash_ms || 800;
    if (flashBox.animate) {
      flashBox.animate([{ opacity: 1 }, { opacity: 0 }], { duration: ms, easing: "ease-out" });
    }
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => flashBox.classList.remove("cct-flash-on"), ms);
  };

  view.close = (reason) => {
    clearTimeout(flashTimer);
    root.dataset.status = "closed";
    for (const b of root.querySelectorAll("button, input")) b.disabled = true;
    statusBadge.textContent = t("Closed");
    closedNote.textContent = t("{reason} This timer has stopped; run its cell again for a new one.", { reason });
    closedNote.hidden = false;
    root.dataset.tones = "0";
  };

  view.destroy = () => {
    clearTimeout(flashTimer);
    if (resize) resize.disconnect();
    root.removeEventListener("keydown", onKey);
  };
  return view;
}

// ---------------------------------------------------------------- anywidget entry points
function initialize({ model }) {
  // Once per model: the clock and the sound belong to the model, not to a view.
  const ctrl = controllerFor(model);
  ctrl.owned = true;
  const { t } = ctrl.tr;
  return () => ctrl.dispose(t("Closed."));
}

function render({ model, el }) {
  const ctrl = controllerFor(model);
  const view = makeView(ctrl, el);
  if (ctrl.disposed) view.close(ctrl.closedText);
  ctrl.attach(view);
  if (ctrl.disposed) view.close(ctrl.closedText);
  return () => {
    view.destroy();
    ctrl.detach(view);
  };
}

export default { initialize, render };
