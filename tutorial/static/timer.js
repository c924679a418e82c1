// StepTimer front end (anywidget). The kernel computes the plan; this file keeps the time.
//
// Time rules (the same as tutorial/timing.py's TimerMachine):
// - elapsed time in a step = banked + (now - anchor) while running, from performance.now();
// - a step ends when that reaches its planned time, AT its deadline (the next step's anchor
//   is the deadline, not the moment we noticed), so late or throttled timers cause no drift;
// - timers (a setTimeout at each deadline, a slow setInterval for repainting) only
//   decide WHEN we look and repaint, never how much time has passed.
// Sounds are scheduled ahead on the Web Audio clock, so they play on time even when the
// tab is hidden and page timers are throttled.
// Every text from the routine goes into the DOM with textContent, never as HTML.

const REPAINT_MS = 200; // how often the countdown and bars are repainted
const EARLY_MS = 4; // wake this long before a deadline (see armDeadline)
const LABELS = { ready: "Start", running: "Pause", paused: "Resume", finished: "Start again" };
const ICONS = { ready: "▶", running: "❚❚", paused: "▶", finished: "↻" };
const STATUS_TEXT = { ready: "Ready", running: "Running", paused: "Paused", finished: "Finished" };

function h(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function clockText(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000 - 1e-6));
  const m = Math.floor(seconds / 60);
  return `${m}:${String(seconds % 60).padStart(2, "0")}`;
}

const epochMs = (perfMs) => performance.timeOrigin + perfMs;

// ---------------------------------------------------------------- the rules (pure)
// `st` is {status, index, banked, anchor}: running time of the current step is
// banked + (now - anchor) while running. Exported so tests can check them against
// tutorial/timing.py's TimerMachine with the same actions at the same times.

export function stepElapsed(st, segments, now) {
  const planned = segments[st.index].planned_ms;
  return st.status === "running" ? Math.min(planned, st.banked + now - st.anchor) : st.banked;
}

export function advanceState(st, segments, now) {
  // Cross every deadline at or before `now`; each step ends exactly at its deadline.
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

// ---------------------------------------------------------------- the view
function render({ model, el }) {
  let segments = model.get("segments");
  let pictures = model.get("pictures");
  let session = model.get("session");
  const st = { status: "ready", index: 0, banked: 0, anchor: 0, headsUpShown: -1 };
  let stopped = false;

  // ---------------------------------------------------------------- DOM
  const root = h("div", {
    class: "cct-timer",
    tabindex: "0",
    role: "region",
    "aria-label": "Step timer",
    "data-testid": "step-timer",
    "data-lm-suppress-shortcuts": "true",
  });
  const flash = h("div", { class: "cct-flash", "aria-hidden": "true" });
  const header = h("div", { class: "cct-header" });
  const routineTitle = h("span", { class: "cct-routine-title" });
  const legBadge = h("span", { class: "cct-leg" });
  const stepCount = h("span", { class: "cct-step-count", "data-testid": "step-count" });
  const statusBadge = h("span", { class: "cct-status" });
  header.append(routineTitle, legBadge, statusBadge, stepCount);

  const main = h("div", { class: "cct-main" });
  const figure = h("figure", { class: "cct-figure" });
  const img = h("img", { class: "cct-picture", alt: "" });
  figure.append(img); // the picture names its own side and view

  const body = h("div", { class: "cct-body" });
  const technique = h("div", { class: "cct-technique" });
  const title = h("h2", { class: "cct-title", "data-testid": "step-title" });
  const points = h("div", { class: "cct-points" });
  const instructions = h("p", { class: "cct-instructions" });
  const hand = h("p", { class: "cct-hand" });
  const caution = h("p", { class: "cct-caution", role: "note" });
  const countdown = h("div", {
    class: "cct-countdown",
    "data-testid": "countdown",
    "aria-label": "Time left in this step",
  });
  const stepBar = h("div", { class: "cct-bar cct-step-bar" });
  const stepFill = h("div", { class: "cct-fill" });
  stepBar.append(stepFill);
  const next = h("div", { class: "cct-next" });
  body.append(technique, title, points, instructions, hand, caution);
  const clock = h("div", { class: "cct-clock" });
  clock.append(countdown, stepBar, next);
  main.append(figure, body, clock);

  const overall = h("div", { class: "cct-overall" });
  const overallBar = h("div", { class: "cct-bar cct-overall-bar" });
  const overallFill = h("div", { class: "cct-fill" });
  overallBar.append(overallFill);
  const overallText = h("span", { class: "cct-overall-text" });
  overall.append(overallBar, overallText);

  const controls = h("div", {
    class: "cct-controls",
    role: "toolbar",
    "aria-label": "Timer controls",
  });
  const button = (cls, label, text, onClick) => {
    const attrs = { type: "button", class: `cct-btn ${cls}`, "aria-label": label, title: label };
    const b = h("button", attrs, text);
    b.addEventListener("click", (event) => {
      event.stopPropagation();
      onClick();
      root.focus({ preventScroll: true });
    });
    return b;
  };
  const backBtn = button("cct-back", "Back", "« Back", () => act("back"));
  const toggleBtn = button("cct-toggle", "Start", "▶ Start", () => toggle());
  const nextBtn = button("cct-next-btn", "Next", "Next »", () => act("next"));
  const restartBtn = button("cct-restart", "Restart step", "↺ Step", () => act("restart"));
  const resetBtn = button("cct-reset", "Reset", "⟲ Reset", () => act("reset"));
  const soundBtn = button("cct-sound", "Sound", "", () => setOption("sound"));
  const speechBtn = button("cct-speech", "Voice", "", () => setOption("speech"));
  const spacer = h("span", { class: "cct-spacer" });
  controls.append(backBtn, toggleBtn, nextBtn, restartBtn, resetBtn, spacer, soundBtn, speechBtn);

  const listBox = h("details", { class: "cct-steps" });
  const listSummary = h("summary", {}, "All steps");
  const list = h("ol", { class: "cct-step-list" });
  listBox.append(listSummary, list);

  const live = h("div", { class: "cct-sr", "aria-live": "polite" });
  // A message from Python about this session (for example "Session saved"): plain text.
  const notice = h("p", { class: "cct-notice", role: "status", "data-testid": "timer-notice" });
  notice.hidden = true;
  root.append(flash, header, main, overall, controls, notice, listBox, live);
  el.append(root);

  function buildList() {
    list.replaceChildren();
    segments.forEach((seg, i) => {
      const item = h("li", { class: `cct-item cct-item-${seg.kind}` });
      const label = seg.kind === "switch" ? seg.title : `${seg.number}. ${seg.title}`;
      const b = h("button", { type: "button", class: "cct-jump", "data-index": String(i) });
      b.append(h("span", { class: "cct-jump-title" }, label));
      if (session.legs === "both") b.append(h("span", { class: "cct-jump-leg" }, seg.leg_label));
      b.append(h("span", { class: "cct-jump-time" }, clockText(seg.planned_ms)));
      b.setAttribute("aria-label", `Jump to ${label} (${seg.leg_label})`);
      b.addEventListener("click", (event) => {
        event.stopPropagation();
        act("jump", i);
        root.focus({ preventScroll: true });
      });
      item.append(b);
      list.append(item);
    });
  }

  // ---------------------------------------------------------------- time
  const seg = () => segments[st.index];
  const elapsed = (now) => stepElapsed(st, segments, now);

  function advance(now) {
    const crossed = advanceState(st, segments, now);
    for (const { from, to, deadline } of crossed) {
      entered(deadline, "completed", from);
      send({ type: "step", from, to, t: epochMs(deadline) });
    }
    if (crossed.length) afterMove(now, false);
    return crossed.length > 0;
  }

  function act(name, index) {
    const now = performance.now();
    advance(now);
    const from = st.index;
    const wasStatus = st.status;
    if (!applyAction(st, segments, name, now, index)) return;
    const message = { type: "action", action: name, t: epochMs(now) };
    if (name === "jump") message.index = index;
    send(message);
    const resumed = wasStatus === "paused" && (name === "start" || name === "resume");
    if (name !== "pause" && !resumed) entered(now, name, from);
    afterMove(now, true);
  }

  function toggle() {
    if (st.status === "running") act("pause");
    else {
      act(st.status === "paused" ? "resume" : "start"); // anchor first: creating audio is slow
      if (model.get("sound") && (!audio || audio.state === "suspended")) {
        unlockAudio(); // a click: the browser allows sound from now on
        scheduleSounds(performance.now(), true);
      }
    }
  }

  function applyState(msg) {
    // A snapshot from the kernel (an action made from Python code): re-anchor on our clock.
    if (!(msg.status in STATUS_TEXT)) return;
    const now = performance.now();
    const from = st.index;
    const before = st.status;
    st.status = msg.status;
    st.index = Math.min(Math.max(0, msg.index | 0), segments.length - 1);
    st.banked = Math.max(0, Math.min(Number(msg.elapsed_ms) || 0, seg().planned_ms));
    st.anchor = now;
    if (from !== st.index || (before === "ready" && st.status === "running")) {
      entered(now, "kernel", from);
    }
    afterMove(now, true);
  }

  // ---------------------------------------------------------------- effects
  function entered(at, reason, from) {
    // A new step (or the end): announce it by flash, voice and a DOM event for tests/benches.
    st.headsUpShown = -1;
    showSegment();
    flashNow(st.status === "finished" ? "end" : "step");
    speakStep();
    const index = st.status === "finished" ? null : st.index;
    const detail = { index, from, reason, deadline: at, t: performance.now() };
    root.dispatchEvent(new CustomEvent("cct-step", { bubbles: true, detail }));
  }

  function afterMove(now, hardCancel) {
    scheduleSounds(now, hardCancel);
    if (st.status === "running") lockScreen();
    else releaseScreen();
    armDeadline(now);
    paint(now);
  }

  // Page timers fire a few ms late (more under load), so wake up EARLY_MS before the deadline
  // and wait out the last few milliseconds: the step changes within ~1 ms of its deadline.
  let deadlineTimer = null;
  const dueTime = () => st.anchor + seg().planned_ms - st.banked;
  function armDeadline(now) {
    clearTimeout(deadlineTimer);
    deadlineTimer = null;
    if (stopped || st.status !== "running") return;
    deadlineTimer = setTimeout(onTimer, Math.max(0, dueTime() - now - EARLY_MS));
  }
  function onTimer() {
    deadlineTimer = null;
    if (stopped || st.status !== "running") return;
    const due = dueTime();
    let now = performance.now();
    if (due - now > EARLY_MS + 2) return armDeadline(now); // woke far too early: sleep again
    while (now < due) now = performance.now();
    if (!advance(now)) armDeadline(now);
  }

  // Repaint a few times a second (the bars glide between repaints with a CSS transition).
  // Step changes do not wait for this: armDeadline() wakes up at the deadline itself.
  const interval = setInterval(() => {
    if (stopped) return;
    const now = performance.now();
    advance(now);
    paint(now);
  }, REPAINT_MS);

  // ---------------------------------------------------------------- sound
  let audio = null;
  let tones = []; // {osc, start}
  function unlockAudio() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    try {
      if (!audio) audio = new Ctx();
      if (audio.state === "suspended") audio.resume();
    } catch {
      audio = null;
    }
  }
  function cancelSounds(all) {
    const keep = [];
    const t = audio ? audio.currentTime : 0;
    for (const tone of tones) {
      if (!all && tone.start <= t + 0.01) {
        keep.push(tone); // already sounding: let it finish
        continue;
      }
      try {
        tone.osc.stop();
      } catch {}
      tone.osc.disconnect();
    }
    tones = all ? [] : keep.filter((tone) => tone.end > t);
    root.dataset.tones = String(tones.length);
  }
  function playTone(kind, delaySeconds) {
    const spec = session.tones && session.tones[kind];
    if (!spec || !audio) return;
    for (let r = 0; r < (spec.repeat || 1); r += 1) {
      const start = audio.currentTime + delaySeconds + r * (spec.seconds + (spec.gap || 0));
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
      tones.push({ osc, start, end });
    }
  }
  function scheduleSounds(now, hardCancel) {
    // Schedule every remaining cue of the session ahead on the audio clock.
    cancelSounds(hardCancel);
    if (!audio || !model.get("sound") || st.status !== "running") return;
    let base = -elapsed(now); // ms from now to the start of the current step
    for (let i = st.index; i < segments.length; i += 1) {
      for (const cue of segments[i].cues) {
        const delay = base + cue.offset_ms;
        if (delay >= 0) playTone(cue.kind, delay / 1000);
      }
      base += segments[i].planned_ms;
    }
    root.dataset.tones = String(tones.length); // tones scheduled ahead (for tests)
  }

  let spoke = false;
  function speakStep() {
    if (!model.get("speech") || !("speechSynthesis" in window) || st.status === "ready") return;
    const s = seg();
    const text =
      st.status === "finished"
        ? "Finished."
        : s.kind === "switch"
          ? `${s.title}. ${s.leg_label}.`
          : `Step ${s.number}. ${s.title}.`;
    try {
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
      spoke = true;
    } catch {}
  }

  let flashTimer = null;
  function flashNow(kind) {
    root.dataset.flash = kind;
    flash.classList.add("cct-flash-on");
    if (flash.animate) {
      // Web Animations: restarts without forcing a synchronous layout.
      flash.animate([{ opacity: 1 }, { opacity: 0 }], {
        duration: session.flash_ms || 800,
        easing: "ease-out",
      });
    }
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => flash.classList.remove("cct-flash-on"), session.flash_ms || 800);
  }

  // ---------------------------------------------------------------- wake lock
  let wakeLock = null;
  let wantLock = false;
  async function lockScreen() {
    wantLock = true;
    if (wakeLock || !navigator.wakeLock || document.visibilityState !== "visible") return;
    try {
      const lock = await navigator.wakeLock.request("screen");
      if (!wantLock || stopped) lock.release().catch(() => {});
      else {
        wakeLock = lock;
        lock.addEventListener("release", () => {
          if (wakeLock === lock) wakeLock = null;
        });
      }
    } catch {}
  }
  function releaseScreen() {
    wantLock = false;
    if (wakeLock) wakeLock.release().catch(() => {});
    wakeLock = null;
  }
  function onVisibility() {
    const now = performance.now();
    advance(now);
    paint(now);
    if (document.visibilityState === "visible" && st.status === "running") lockScreen();
  }
  document.addEventListener("visibilitychange", onVisibility);

  // ---------------------------------------------------------------- painting
  const last = {};
  function setText(node, key, text) {
    if (last[key] !== text) {
      node.textContent = text;
      last[key] = text;
    }
  }

  function showSegment() {
    const s = seg();
    routineTitle.textContent = session.title;
    const finished = st.status === "finished";
    const finish = session.finish || {};
    root.dataset.kind = s.kind;
    root.dataset.leg = s.leg;
    root.dataset.index = String(st.index);
    legBadge.textContent = s.leg_label;
    legBadge.hidden = session.legs !== "both" || finished;
    stepCount.textContent = finished
      ? "Done"
      : s.kind === "switch"
        ? "Switch"
        : `Step ${s.number} / ${s.count}`;
    technique.textContent = finished ? finish.technique || "" : s.technique;
    technique.hidden = !technique.textContent;
    title.textContent = finished ? finish.title || "" : s.title;
    points.textContent = finished ? "" : s.points.join(" · ");
    points.hidden = !points.textContent;
    instructions.textContent = finished ? finish.instructions || "" : s.instructions;
    hand.textContent = s.hand && !finished ? `Hand: ${s.hand}` : "";
    hand.hidden = !hand.textContent;
    caution.textContent = s.caution && !finished ? `Caution: ${s.caution}` : "";
    caution.hidden = !caution.textContent;
    const src = !finished && s.picture && pictures[s.picture];
    figure.hidden = !src;
    root.classList.toggle("cct-no-picture", !src);
    if (src && img.getAttribute("src") !== src) img.src = src;
    img.alt = s.points.length
      ? `${s.leg_label}: ${s.points.join(", ")} highlighted`
      : `${s.leg_label}: the calf`;
    const nextSeg = segments[st.index + 1];
    next.textContent = finished
      ? ""
      : nextSeg
        ? `Next: ${nextSeg.title}${nextSeg.leg !== s.leg ? ` (${nextSeg.leg_label})` : ""}`
        : "Last step";
    for (const item of list.querySelectorAll(".cct-jump")) {
      const i = Number(item.dataset.index);
      if (i === st.index && !finished) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
      item.classList.toggle("cct-done", finished || i < st.index);
    }
    live.textContent = finished ? title.textContent : `${stepCount.textContent}: ${s.title}`;
  }

  function paint(now) {
    if (stopped) return;
    const s = seg();
    const e = elapsed(now);
    const left = s.planned_ms - e;
    root.dataset.status = st.status;
    setText(countdown, "countdown", clockText(left));
    stepFill.style.transform = `scaleX(${Math.min(1, e / s.planned_ms)})`;
    const done = st.status === "finished" ? session.total_ms : s.start_ms + e;
    overallFill.style.transform = `scaleX(${Math.min(1, done / session.total_ms)})`;
    setText(overallText, "overall", `${clockText(session.total_ms - done)} left in total`);
    root.classList.toggle(
      "cct-heads-up",
      st.status === "running" &&
        session.heads_up_ms > 0 &&
        left <= session.heads_up_ms &&
        s.planned_ms > session.heads_up_ms,
    );
    const headsUp = root.classList.contains("cct-heads-up");
    if (st.status === "running" && headsUp && st.headsUpShown !== st.index) {
      st.headsUpShown = st.index;
      flashNow("heads-up");
    }
    const label = LABELS[st.status];
    const icon = ICONS[st.status];
    if (last.toggle !== label) {
      toggleBtn.textContent = `${icon} ${label}`;
      toggleBtn.setAttribute("aria-label", label);
      toggleBtn.title = `${label} (space)`;
      last.toggle = label;
    }
    setText(statusBadge, "status", STATUS_TEXT[st.status]);
  }

  function paintOptions() {
    const sound = model.get("sound");
    const speech = model.get("speech");
    soundBtn.textContent = sound ? "♪ Sound on" : "♪ Sound off";
    soundBtn.setAttribute("aria-pressed", String(sound));
    speechBtn.textContent = speech ? "Voice on" : "Voice off";
    speechBtn.setAttribute("aria-pressed", String(speech));
    root.dataset.layout = model.get("presentation");
  }

  function setOption(name) {
    model.set(name, !model.get(name));
    model.save_changes();
    if (name === "sound" && model.get("sound")) unlockAudio();
    if (name === "speech" && !model.get("speech") && "speechSynthesis" in window) {
      window.speechSynthesis.cancel();
    }
    paintOptions();
    scheduleSounds(performance.now(), true);
  }

  // ---------------------------------------------------------------- wiring
  function send(message) {
    if (!stopped) model.send(message);
  }

  function onKey(event) {
    if (event.target !== root && event.target.tagName === "INPUT") return;
    let handled = true;
    if (event.key === " " || event.key === "Spacebar") toggle();
    else if (event.key === "ArrowRight") act("next");
    else if (event.key === "ArrowLeft") act("back");
    else handled = false;
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  }
  root.addEventListener("keydown", onKey);

  function onCustom(msg) {
    if (!msg || stopped) return;
    if (msg.type === "state") applyState(msg);
    else if (msg.type === "stop") {
      cleanup();
      root.dataset.status = "closed";
      for (const b of root.querySelectorAll("button")) b.disabled = true;
      setText(statusBadge, "status", "Replaced by a newer timer");
    }
  }
  function onPlanChange() {
    segments = model.get("segments");
    pictures = model.get("pictures");
    session = model.get("session");
    st.index = Math.min(st.index, segments.length - 1);
    buildList();
    showSegment();
    paint(performance.now());
  }
  model.on("msg:custom", onCustom);
  function onNotice() {
    notice.textContent = model.get("notice") || "";
    notice.hidden = !notice.textContent;
  }
  function onSound() {
    paintOptions();
    scheduleSounds(performance.now(), true);
  }
  model.on("change:presentation", paintOptions);
  model.on("change:sound", onSound);
  model.on("change:speech", paintOptions);
  model.on("change:segments", onPlanChange);
  model.on("change:pictures", onPlanChange);
  model.on("change:notice", onNotice);

  function cleanup() {
    if (stopped) return;
    stopped = true;
    clearTimeout(deadlineTimer);
    clearTimeout(flashTimer);
    clearInterval(interval);
    cancelSounds(true);
    if (audio) audio.close().catch(() => {});
    audio = null;
    if (spoke && "speechSynthesis" in window) window.speechSynthesis.cancel();
    releaseScreen();
    document.removeEventListener("visibilitychange", onVisibility);
    model.off("msg:custom", onCustom);
    model.off("change:presentation", paintOptions);
    model.off("change:sound", onSound);
    model.off("change:speech", paintOptions);
    model.off("change:segments", onPlanChange);
    model.off("change:pictures", onPlanChange);
    model.off("change:notice", onNotice);
  }

  buildList();
  onNotice();
  paintOptions();
  showSegment();
  paint(performance.now());
  model.send({ type: "hello", t: epochMs(performance.now()) });
  return cleanup;
}

export default { render };
