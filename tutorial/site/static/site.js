// The site's widgets, without a kernel: each placeholder a lesson page holds
// (<div class="cs-widget" data-widget="..." data-config="id of a JSON script">) becomes
// the in-browser version of the widget the notebook displayed there.
//
// - timer: tutorial/static/timer.js itself, unchanged, given a model object with the
//   anywidget API (get/set/on/off/save_changes/send) holding the traits StepTimer computed
//   at build time (every plan of every variant and legs; the timer switches itself);
// - practice, explorer, calculator, safety-check, progress: small views over the data the
//   package exported at build time (window.CCT_DATA) and the rules in rules.js.
// Text from data goes in with textContent; the only markup inserted is the package's own
// escaped card HTML, made at build time.

(function () {
  "use strict"; // i18n: ignore

  const R = window.CCTRules;
  // The page's words in the language the site was built in (assets/i18n.js: the translator
  // of tutorial/static/i18n.js over the catalog exported at build time).
  const { t, tn, number } = window.CCT_I18N;
  const DATA = window.CCT_DATA || {};
  const PREFS_KEY = "calf-cramp-tutorial:timer-prefs";
  let store = null;

  function h(tag, attrs = {}, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === false || value === null || value === undefined) continue;
      node.setAttribute(key, value === true ? "" : value);
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }
  const svg = (tag, attrs = {}) => {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    return node;
  };
  const fixed1 = (x) => number(Math.round(x * 10) / 10, 1);
  let uid = 0;
  const nextId = (prefix) => `${prefix}-${(uid += 1)}`;

  // A page of the site (not the one-file timer of StepTimer.save_html)?
  const onSite = () => Boolean(document.querySelector('link[href="assets/site.css"]'));

  function storage() {
    try {
      return window.localStorage;
    } catch {
      return null;
    }
  }
  function getStore() {
    if (!store) {
      const memory = new Map();
      const fallback = {
        getItem: (k) => (memory.has(k) ? memory.get(k) : null),
        setItem: (k, v) => memory.set(k, String(v)),
      };
      store = window.CCTStore.open(storage() || fallback);
    }
    return store;
  }

  // ================================================================ the step timer
  let timerModule = null;
  function loadTimer() {
    if (!timerModule) {
      const url = URL.createObjectURL(new Blob([window.CCT_TIMER_ESM], { type: "text/javascript" }));
      timerModule = import(url);
    }
    return timerModule;
  }

  // The anywidget model API over plain values, with no kernel behind it.
  function makeModel(values, onSend) {
    const handlers = new Map();
    const model = {
      get: (key) => values[key],
      set(key, value) {
        const old = values[key];
        values[key] = value;
        if (old !== value) emit(`change:${key}`, model, value);
      },
      on(name, cb) {
        if (!handlers.has(name)) handlers.set(name, new Set());
        handlers.get(name).add(cb);
      },
      off(name, cb) {
        if (!name) handlers.clear();
        else if (!cb) handlers.delete(name);
        else if (handlers.has(name)) handlers.get(name).delete(cb);
      },
      save_changes() {},
      send(message) {
        onSend(message);
      },
    };
    function emit(name, ...args) {
      for (const cb of Array.from(handlers.get(name) || [])) cb(...args);
    }
    return model;
  }

  function readPrefs() {
    try {
      return JSON.parse((storage() && storage().getItem(PREFS_KEY)) || "{}") || {};
    } catch {
      return {};
    }
  }
  function writePrefs(prefs) {
    try {
      storage().setItem(PREFS_KEY, JSON.stringify(prefs));
    } catch {}
  }

  const VARIANT_TEXT = { quick: t("Quick"), default: t("Default"), full: t("Full"), custom: t("As saved") };
  const LEGS_TEXT = { one: t("One leg"), both: t("Both legs") };
  const VIEW_TEXT = { anterior: t("anterior"), posterior: t("posterior"), lateral: t("lateral"), medial: t("medial") };
  const LEG_TEXT = { right: t("the right leg"), left: t("the left leg") };

  function clock(seconds) {
    const s = Math.max(0, Math.round(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function radioGroup(legend, name, options, current, onChange) {
    const box = h("fieldset", { class: "cs-choice" });
    box.append(h("legend", {}, legend));
    for (const [value, label] of options) {
      const id = nextId(name);
      const input = h("input", { type: "radio", name, id, value });
      input.checked = value === current;
      input.addEventListener("change", () => input.checked && onChange(value));
      box.append(h("span", { class: "cs-radio" }));
      box.lastChild.append(input, h("label", { for: id }, label));
    }
    return box;
  }

  function mountTimer(node, cfg) {
    // One timer state (every plan of every variant x legs): the timer offers the choice
    // itself, before Start, and shows planned against actual time at the end; the page
    // records each finished run in this browser and says so in the timer's notice line,
    // as Python's practice log does.
    const prefs = readPrefs();
    let recorder = null;
    let segments = [];
    let runToken = 0;
    const host = h("div", { class: "cs-timer-host" });
    node.append(host);

    host.addEventListener("cct-step", (event) => {
      if (event.detail && event.detail.index === null) {
        const token = runToken;
        setTimeout(() => token === runToken && finished(), 0); // after timer.js sent its message
      }
    });

    function onSend(message) {
      if (recorder) recorder.onMessage(message);
      if (message && message.type === "action" && message.action === "start") model.set("notice", "");
    }

    let model = null;
    const chosen = () => ({ variant: model.get("variant"), legs: model.get("legs") });

    function finished() {
      if (!recorder || recorder.state.status !== "finished") return;
      const run = recorder.run();
      if (!run.length) return;
      const { variant, legs } = chosen();
      const steps = run.map((r) => ({
        id: r.step_id,
        leg: r.leg || null,
        planned_s: r.planned_ms / 1000,
        actual_s: r.actual_ms / 1000,
        paused_s: r.paused_ms / 1000,
        skipped: r.outcome === "skipped",
      }));
      let saved = "";
      try {
        getStore().addSession({
          started_at: new Date(run[0].started_at).toISOString(),
          routine: cfg.routines[variant],
          variant: (cfg.store_variants || {})[variant] || variant,
          legs,
          steps,
        });
        saved = onSite()
          ? t("Kept in this browser: see Your progress (link at the bottom of the page).")
          : t("Kept in this browser.");
      } catch (err) {
        saved = t("Not kept: {problem}", { problem: err.message });
      }
      model.set("notice", saved);
    }

    // A one-file page holds each picture once (cfg.pictures); the state refers to it by "#digest".
    function withPictures(state) {
      if (!state || !cfg.pictures || !state.pictures) return state;
      const pictures = {};
      for (const [key, ref] of Object.entries(state.pictures)) pictures[key] = cfg.pictures[ref] || ref;
      return { ...state, pictures };
    }

    async function mount() {
      const mod = await loadTimer();
      const state = withPictures(cfg.state);
      const values = {
        ...state,
        variant: cfg.variant,
        legs: cfg.legs,
        presentation: cfg.presentation,
        sound: "sound" in prefs ? prefs.sound : cfg.sound,
        speech: "speech" in prefs ? prefs.speech : cfg.speech,
        notice: "",
      };
      model = makeModel(values, onSend);
      for (const name of ["sound", "speech"]) {
        model.on(`change:${name}`, (_m, value) => {
          prefs[name] = value;
          writePrefs(prefs);
        });
      }
      // The recorder follows the plan the timer shows: rebuilt when its variant or legs change.
      const follow = () => {
        const { variant, legs } = chosen();
        const plan = (state.plans || {})[`${variant}/${legs}`] || { segments: [] };
        segments = mod.planSegments(plan, state.steps || [], state.session || {}, t);
        recorder = R.makeRecorder(mod, segments);
        runToken += 1;
      };
      model.on("change:variant", follow);
      model.on("change:legs", follow);
      follow();
      mod.default.render({ model, el: host });
      node.dataset.ready = "true";
    }
    return mount();
  }

  // ================================================================ find-the-point practice
  function mountPractice(node, cfg) {
    const P = DATA.practice;
    const text = P.text;
    const kinds = cfg.kinds.filter((k) => P.kinds.includes(k));
    const codes = cfg.codes;
    const side = cfg.side || "right";
    const st = getStore();
    let progress = R.replay(st.answers(), P.intervals);
    let question = null;
    let answered = false;
    const counts = { answered: 0, right: 0, close: 0, missed: 0 };

    const root = h("div", { class: "cs-practice", "data-testid": "practice" });
    const title = h("div", { class: "cs-practice-title" });
    title.innerHTML = cfg.title_html || ""; // the package's own escaped markup
    const prompt = h("p", { class: "cs-prompt", "data-testid": "prompt", "aria-live": "polite" });
    const layout = h("div", { class: "cs-practice-layout" });
    const figure = h("div", { class: "cs-practice-figure" });
    const img = h("img", { class: "cs-practice-img", alt: "", draggable: "false" });
    const overlay = svg("svg", { class: "cs-practice-overlay", "aria-hidden": "true" });
    figure.append(img, overlay);
    const key = h("ul", { class: "cs-key" });
    const panel = h("div", { class: "cs-practice-panel" });
    const choices = h("div", { class: "cs-choices", role: "group", "aria-label": t("Answers") });
    const verdict = h("div", { class: "cs-verdict", "data-testid": "verdict", role: "status" });
    const detail = h("div", { class: "cs-detail" });
    const figureBox = h("div", { class: "cs-practice-figure-box" });
    figureBox.append(figure, key);
    panel.append(choices, verdict, detail);
    layout.append(figureBox, panel);
    const controls = h("div", { class: "cs-practice-controls" });
    const nextBtn = h("button", { type: "button", class: "cs-btn", "data-testid": "next-question" }, t("Next question"));
    const status = h("p", { class: "cs-status-line", "data-testid": "practice-status" });
    const link = h("a", { href: "progress.html" }, t("Your progress: export, import or forget it"));
    if (!onSite()) link.hidden = true;
    controls.append(nextBtn, status, link);
    root.append(title, prompt, layout, controls);
    node.append(root);
    nextBtn.addEventListener("click", () => ask());

    const view = () => P.views[`${side}:${question.view}`];
    const point = (code) => P.points[code];
    const rand = (n) => Math.floor(Math.random() * n);
    const choice = (list) => list[rand(list.length)];
    function sample(list, n) {
      const pool = list.slice();
      const out = [];
      while (out.length < n && pool.length) out.push(pool.splice(rand(pool.length), 1)[0]);
      return out;
    }
    function shuffle(list) {
      for (let i = list.length - 1; i > 0; i -= 1) {
        const j = rand(i + 1);
        [list[i], list[j]] = [list[j], list[i]];
      }
      return list;
    }

    function ask() {
      const last = question ? question.code : null;
      const code = R.pick(progress, codes, last);
      let kind = choice(kinds);
      const p = point(code);
      if (kind === "step" && !p.steps.length) kind = kinds.includes("name") ? "name" : "locate";
      const views = kind === "locate" ? p.locate_views : p.views;
      const q = { kind, code, view: views.length ? choice(views) : "anterior" };
      if (kind === "locate") {
        q.prompt = R.fill(text.locate_prompt, { label: p.label, hanzi: p.hanzi });
      } else if (kind === "name") {
        const others = Object.keys(P.points).filter((c) => c !== code);
        q.choices = shuffle([code, ...sample(others, P.choices - 1)]);
        q.labels = q.choices.map((c) => `${c} · ${P.points[c].pinyin} ${P.points[c].hanzi}`);
        q.prompt = text.name_prompt;
        q.correct = [code];
      } else {
        const right = p.steps;
        const others = P.steps.map((s, i) => i).filter((i) => P.steps[i].points.length && !right.includes(i));
        const picked = shuffle([right[0], ...sample(others, P.choices - 1)]);
        q.choices = picked.map((i) => P.steps[i].id);
        q.labels = picked.map((i) => P.steps[i].label);
        q.prompt = R.fill(text.step_prompt, { label: p.label, hanzi: p.hanzi });
        q.correct = right.map((i) => P.steps[i].id);
      }
      question = q;
      answered = false;
      show();
    }

    function show() {
      const v = view();
      const p = point(question.code);
      prompt.textContent = question.prompt;
      node.dataset.kind = question.kind;
      node.dataset.code = question.code;
      node.dataset.view = question.view;
      img.src = v.src;
      img.width = v.width;
      img.height = v.height;
      overlay.setAttribute("viewBox", `0 0 ${v.width} ${v.height}`);
      overlay.replaceChildren();
      key.replaceChildren();
      verdict.replaceChildren();
      verdict.className = "cs-verdict";
      detail.replaceChildren();
      choices.replaceChildren();
      nextBtn.disabled = true;
      const viewName = VIEW_TEXT[question.view] || question.view;
      const leg = LEG_TEXT[side] || side;
      cursor = null;
      keyHelp.hidden = question.kind !== "locate";
      if (question.kind === "locate") {
        img.alt = t("{view} view of {leg}, without labels: click where {point} is", { view: viewName, leg, point: p.label });
        figure.classList.add("cs-clickable");
        figure.setAttribute("tabindex", "0");
        figure.setAttribute("role", "group");
        figure.setAttribute("aria-label", t("{picture}, or use the arrow keys and Enter", { picture: img.alt }));
        figure.setAttribute("aria-describedby", keyHelp.id);
      } else {
        for (const a of ["tabindex", "role", "aria-label", "aria-describedby"]) figure.removeAttribute(a);
        figure.classList.remove("cs-clickable");
        img.alt = t("{view} view of {leg}, one point marked with a ring", { view: viewName, leg });
        ring(v, v.truth[question.code], question.kind === "name" ? "?" : p.code);
        if (question.kind === "step") keyItem("true", t("ring: {point}", { point: p.label }));
        question.choices.forEach((c, i) => {
          const b = h("button", { type: "button", class: "cs-btn cs-choice-btn", "data-choice": c }, question.labels[i]);
          b.addEventListener("click", () => choose(c));
          choices.append(b);
        });
      }
    }

    function toPixels(v, xy) {
      const [fx, fy] = R.dataToFraction(v, xy[0], xy[1]);
      return [fx * v.width, fy * v.height];
    }
    function ring(v, xy, label) {
      const [px, py] = toPixels(v, xy);
      overlay.append(svg("circle", { cx: px, cy: py, r: 12.5, fill: "none", stroke: P.colours.true, "stroke-width": 3 }));
      if (label) {
        const left = px > v.width / 2;
        const t = svg("text", {
          x: px + (left ? -18 : 18),
          y: py + 5,
          "text-anchor": left ? "end" : "start",
          class: "cs-ring-label",
          fill: P.colours.true,
        });
        t.textContent = label;
        overlay.append(t);
      }
    }
    function keyItem(name, words) {
      key.append(h("li", { class: `cs-key-${name}`, style: `color:${P.colours[name]}` }, words));
    }

    // Without a mouse: the picture takes focus, arrow keys move a crosshair (Shift: finer),
    // Enter or Space answers where it is.
    const keyHelp = h("p", { class: "small muted cs-key-help", id: nextId("keys") });
    keyHelp.textContent = t("Keyboard: focus the picture, move the cross with the arrow keys (Shift for small steps), press Enter to answer.");
    figureBox.append(keyHelp);
    let cursor = null;
    function drawCursor() {
      const old = overlay.querySelector(".cs-cursor");
      if (old) old.remove();
      if (!cursor) return;
      const v = view();
      const [x, y] = [cursor[0] * v.width, cursor[1] * v.height];
      const mark = svg("g", { class: "cs-cursor", stroke: "#111", "stroke-width": 2 });
      mark.append(
        svg("line", { x1: x - 14, y1: y, x2: x + 14, y2: y }),
        svg("line", { x1: x, y1: y - 14, x2: x, y2: y + 14 }),
        svg("circle", { cx: x, cy: y, r: 6, fill: "none" }),
      );
      overlay.append(mark);
    }
    figure.addEventListener("keydown", (event) => {
      if (!question || question.kind !== "locate" || answered) return;
      const step = event.shiftKey ? 0.005 : 0.02;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (moves[event.key]) {
        cursor = cursor || [0.5, 0.5];
        cursor = [
          Math.min(1, Math.max(0, cursor[0] + moves[event.key][0])),
          Math.min(1, Math.max(0, cursor[1] + moves[event.key][1])),
        ];
        drawCursor();
      } else if ((event.key === "Enter" || event.key === " ") && cursor) { // i18n: ignore
        answerClick(cursor[0], cursor[1]);
      } else return;
      event.preventDefault();
    });

    figure.addEventListener("click", (event) => {
      if (!question || question.kind !== "locate" || answered) return;
      const box = img.getBoundingClientRect();
      if (box.width <= 0 || box.height <= 0) return;
      const fx = (event.clientX - box.left) / box.width;
      const fy = (event.clientY - box.top) / box.height;
      if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1)) return;
      answerClick(fx, fy);
    });

    function answerClick(fx, fy) {
      const v = view();
      const p = point(question.code);
      const score = R.scoreClick(v, question.code, fx, fy, P);
      answered = true;
      cursor = null;
      drawCursor();
      figure.classList.remove("cs-clickable");
      // landmark outline, true ring, your click, the line between
      const guides = v.landmarks[p.landmark] || [];
      for (const path of guides) {
        const pts = path.map((xy) => toPixels(v, xy).join(",")).join(" ");
        overlay.append(svg("polyline", { points: pts, fill: "none", stroke: P.colours.landmark, "stroke-width": 3, opacity: 0.9 }));
      }
      const [cx, cy] = toPixels(v, score.click);
      const [tx, ty] = toPixels(v, score.true);
      if (score.distance > 0.3) {
        overlay.append(svg("line", { x1: cx, y1: cy, x2: tx, y2: ty, stroke: P.colours.click, "stroke-width": 1.5, "stroke-dasharray": "5 4" }));
      }
      ring(v, score.true, p.code);
      const d = 7;
      overlay.append(
        svg("path", {
          d: `M${cx - d},${cy - d}L${cx + d},${cy + d}M${cx - d},${cy + d}L${cx + d},${cy - d}`,
          stroke: P.colours.click,
          "stroke-width": 4,
          "stroke-linecap": "round",
        }),
      );
      keyItem("true", t("ring: {point}, where it is", { point: p.code }));
      keyItem("click", t("cross: your click, {distance} cun away", { distance: fixed1(score.distance) }));
      if (guides.length) keyItem("landmark", t("green: {landmark}, start from here", { landmark: p.landmark_name }));
      badge(score.verdict, t("{verdict}: {distance} cun from {point}", { verdict: text[score.verdict], distance: fixed1(score.distance), point: p.label }));
      details(p, `${score.verdict}_tip`, true);
      done(score.verdict, score.distance);
    }

    function choose(c) {
      if (answered) return;
      answered = true;
      const p = point(question.code);
      const right = question.correct.includes(c);
      const v = right ? "right" : P.wrong_choice_verdict;
      for (const b of choices.querySelectorAll("button")) {
        b.disabled = true;
        if (question.correct.includes(b.dataset.choice)) {
          b.classList.add("cs-good");
          b.textContent = `✓ ${b.textContent}`;
        } else if (b.dataset.choice === c) {
          b.classList.add("cs-bad");
          b.textContent = `✗ ${b.textContent}`;
        }
      }
      if (question.kind === "name") {
        const view = P.views[`${side}:${question.view}`];
        overlay.replaceChildren();
        ring(view, view.truth[question.code], p.code);
        keyItem("true", t("ring: {point}", { point: p.label }));
        const named = { point: p.label, hanzi: p.hanzi };
        badge(v, right ? t("Right: this is {point} {hanzi}", named) : t("Not quite: this is {point} {hanzi}", named));
        details(p, "", false);
      } else {
        const steps = P.steps.map((s, i) => [s, i]).filter(([s]) => s.points.includes(p.code));
        const names = steps.map(([s, i]) => t("step {number}: {title}", { number: i + 1, title: s.title })).join(t(", "));
        badge(v, right ? t("Right: {steps}", { steps: names }) : t("Not quite: {steps}", { steps: names }));
        if (steps.length) detail.append(h("p", { class: "small" }, steps[0][0].instructions));
      }
      done(v, null);
    }

    function badge(v, words) {
      const symbol = { right: "✓", close: "≈" }[v] || "✗";
      verdict.className = `cs-verdict cs-verdict-${v}`;
      verdict.dataset.verdict = v;
      verdict.textContent = `${symbol} ${words}`;
    }

    function details(p, tip, landmark) {
      if (tip && text[tip]) detail.append(h("p", { class: "small" }, text[tip]));
      detail.append(h("p", { class: "strong" }, `${p.label} ${p.hanzi} · ${p.meridian}`));
      if (landmark) detail.append(h("p", { class: "landmark" }, t("Start from: {landmark}", { landmark: p.landmark_name })));
      detail.append(h("p", { class: "small" }, t("How to find it: {how}", { how: p.how_to_find })));
      if (p.y_derived) {
        const note = t("The depth drawn ({depth} cun below the knee line) is a convention, not a WHO figure.", { depth: R.formatG(p.y_cun) });
        detail.append(h("p", { class: "small muted" }, note)); // i18n: ignore
      }
      for (const c of p.cautions) {
        const line = t("Caution: {caution}", { caution: c });
        detail.append(h("p", { class: "small caution" }, line)); // i18n: ignore
      }
    }

    function done(v, distance) {
      let kept = true;
      try {
        st.addAnswer({ kind: question.kind, point: question.code, side, view: question.view, verdict: v, error_cun: distance });
      } catch {
        kept = false;
      }
      R.record(progress, question.code, v, P.intervals);
      counts.answered += 1;
      if (v === "right" || v === "close") counts[v] += 1;
      else counts.missed += 1;
      const total = st.answers().length;
      const line = t("This session: {answered} answered · {right} right · {close} close · {missed} missed · {total} kept in this browser", { ...counts, total });
      const problem = st.problem || t("storage refused");
      status.textContent = kept ? line : t("{line} (not kept: {problem})", { line, problem });
      node.dataset.answered = String(counts.answered);
      nextBtn.disabled = false;
      nextBtn.focus({ preventScroll: true });
    }

    const kept = st.answers().length;
    status.textContent = kept ? tn("{n} answer kept in this browser from before: missed points come back sooner.", "{n} answers kept in this browser from before: missed points come back sooner.", kept) : "";
    ask();
  }

  // ================================================================ the point explorer
  function mountExplorer(node, cfg) {
    const E = DATA.explorer;
    let code = cfg.code || cfg.codes[0];
    let hanzi = false;
    const root = h("div", { class: "cs-explorer", "data-testid": "explorer" });
    const picker = radioGroup(t("Point"), nextId("explorer"), cfg.codes.map((c) => [c, E[c].label]), code, (c) => {
      code = c;
      paint();
    });
    picker.classList.add("cs-toggle-group");
    const hanziId = nextId("hanzi");
    const hanziBox = h("p", { class: "cs-check" });
    const check = h("input", { type: "checkbox", id: hanziId });
    check.addEventListener("change", () => {
      hanzi = check.checked;
      paint();
    });
    hanziBox.append(check, h("label", { for: hanziId }, t("Hanzi on the pictures")));
    const views = h("div", { class: "cs-explorer-views" });
    const card = h("div", { class: "cs-explorer-card html" });
    root.append(picker, hanziBox, views, card);
    node.append(root);
    function paint() {
      const entry = E[code];
      views.replaceChildren();
      for (const v of entry.views) {
        const fig = h("figure", { class: "cs-explorer-view", "data-view": v.view });
        fig.append(h("img", { src: hanzi ? v.src_hanzi : v.src, alt: v.alt }), h("figcaption", {}, v.title));
        views.append(fig);
      }
      card.innerHTML = entry.card; // the package's point_card_html: escaped at build time
      node.dataset.code = code;
    }
    paint();
  }

  // ================================================================ the cun calculator
  function mountCalculator(node, cfg) {
    const C = DATA.calculator;
    const rule = C.rule;
    const root = h("div", { class: "cs-calculator", "data-testid": "calculator" });
    const id = nextId("length");
    const helpId = nextId("help");
    const row = h("p", { class: "cs-calc-row" });
    const input = h("input", {
      id,
      type: "text",
      inputmode: "decimal",
      autocomplete: "off",
      "aria-describedby": helpId,
      value: R.formatG(cfg.length_cm || rule.default_cm),
    });
    row.append(h("label", { for: id }, t("Knee crease to outer ankle bone (cm)")), input);
    const help = h("p", { id: helpId, class: "small" }, rule.how_to_measure);
    const message = h("p", { class: "cs-calc-message", role: "status", "data-testid": "calc-message" });
    const result = h("div", { class: "cs-calc-result" });
    root.append(help, row, message, result);
    node.append(root);
    function update() {
      const [length, problem] = R.validateLength(input.value, rule);
      message.textContent = problem;
      input.setAttribute("aria-invalid", problem ? "true" : "false");
      if (length === null) return;
      const unit = length / C.reference_cun;
      result.replaceChildren(h("p", { class: "cs-calc-cun" }, t("Your cun: {cun} cm ({length} cm ÷ {reference})", { cun: number(unit, 2), length: R.formatG(length), reference: R.formatG(C.reference_cun) })));
      const table = h("table", { class: "cs-table" });
      const head = h("tr");
      for (const text of [t("Point"), t("cun below knee line"), t("cm below knee line"), t("cm above outer ankle bone"), t("Across the leg")]) {
        head.append(h("th", { scope: "col" }, text));
      }
      table.append(h("thead"), h("tbody"));
      table.tHead.append(head);
      for (const p of C.points) {
        const tr = h("tr");
        tr.append(
          h("td", { lang: window.CCT_I18N.lang === "en" ? "en" : null }, p.name),
          h("td", { class: "num" }, `${R.formatG(p.below_knee_cun)}${p.derived ? " *" : ""}`),
          h("td", { class: "num" }, number(p.below_knee_cun * unit, 1)),
          h("td", { class: "num" }, number((C.reference_cun - p.below_knee_cun) * unit, 1)),
          h("td", {}, p.across),
        );
        table.tBodies[0].append(tr);
      }
      const wrap = h("div", { class: "table-wrap" });
      wrap.append(table);
      result.append(
        wrap,
        h("p", { class: "small" }, t("* A depth derived from the landmarks, a convention rather than a WHO figure: find these points by feel first. KI3 sits level with the inner ankle bone, which is higher than the outer one.")),
      );
    }
    input.addEventListener("input", update);
    update();
  }

  // ================================================================ the safety self-check
  function mountSafety(node) {
    const S = DATA.safety;
    const root = h("div", { class: "cs-safety-check", "data-testid": "safety-check" });
    const answers = {};
    const score = h("p", { class: "cs-score", role: "status" });
    S.questions.forEach((q, n) => {
      const set = h("fieldset", { class: "cs-situation" });
      set.append(h("legend", {}, `${n + 1}. ${q.situation}`));
      const feedback = h("div", { class: "cs-feedback html" });
      const name = nextId(`safety-${q.id}`);
      for (const c of S.choices) {
        const id = nextId(name);
        const input = h("input", { type: "radio", name, id, value: c.key });
        input.addEventListener("change", () => {
          answers[q.id] = c.key;
          feedback.innerHTML = q.feedback[c.key]; // the package's feedback_html (escaped)
          paintScore();
        });
        const line = h("span", { class: "cs-radio" });
        line.append(input, h("label", { for: id }, c.text));
        set.append(line);
      }
      set.append(feedback);
      root.append(set);
    });
    function paintScore() {
      const n = S.questions.length;
      const right = S.questions.filter((q) => answers[q.id] === q.answer).length;
      score.textContent = t("{right} of {n} right ({answered} of {n} answered)", { right, n, answered: Object.keys(answers).length });
    }
    root.append(score);
    node.append(root);
    paintScore();
  }

  // ================================================================ progress page
  function mountProgress(node) {
    const st = getStore();
    const root = h("div", { class: "cs-progress", "data-testid": "progress" });
    const message = h("p", { class: "cs-progress-message", role: "status", "data-testid": "progress-message" });
    const actions = h("div", { class: "cs-progress-actions" });
    const exportBtn = h("button", { type: "button", class: "cs-btn" }, t("Export to a file"));
    const importId = nextId("import");
    const importInput = h("input", { type: "file", id: importId, accept: ".json,application/json", class: "cs-file" });
    const importLabel = h("label", { for: importId, class: "cs-btn" }, t("Import a file"));
    const forgetBtn = h("button", { type: "button", class: "cs-btn cs-danger", "data-testid": "forget" }, t("Forget my progress"));
    const confirmBtn = h("button", { type: "button", class: "cs-btn cs-danger", hidden: true, "data-testid": "forget-confirm" }, t("Yes, forget everything"));
    actions.append(exportBtn, importInput, importLabel, forgetBtn, confirmBtn);
    const answersBox = h("section", { "aria-labelledby": "progress-answers-h" });
    const sessionsBox = h("section", { "aria-labelledby": "progress-sessions-h" });
    root.append(actions, message, answersBox, sessionsBox);
    node.append(root);

    exportBtn.addEventListener("click", () => {
      const blob = new Blob([st.exportText()], { type: "application/json" });
      const a = h("a", { href: URL.createObjectURL(blob), download: `calf-cramp-progress-${new Date().toISOString().slice(0, 10)}.json` }); // i18n: ignore
      document.body.append(a);
      a.click();
      a.remove();
      message.textContent = t("Exported. Keep the file to import it here or in another browser.");
    });
    importInput.addEventListener("change", () => {
      const file = importInput.files && importInput.files[0];
      if (!file) return;
      const reader = new FileReader();
      reader.onload = () => {
        try {
          const added = st.importText(String(reader.result));
          message.textContent = tn("Imported {file}: {n} new entry added; nothing was lost.", "Imported {file}: {n} new entries added; nothing was lost.", added, { file: file.name });
        } catch (err) {
          message.textContent = t("Could not import {file}: {problem}. Nothing was changed.", { file: file.name, problem: err.message });
        }
        importInput.value = "";
        paint();
      };
      reader.onerror = () => {
        message.textContent = t("Could not read {file}. Nothing was changed.", { file: file.name });
      };
      reader.readAsText(file);
    });
    forgetBtn.addEventListener("click", () => {
      confirmBtn.hidden = !confirmBtn.hidden;
      message.textContent = confirmBtn.hidden ? "" : t("Forget every practice answer and timer session kept in this browser? This cannot be undone (export first to keep a copy).");
    });
    confirmBtn.addEventListener("click", () => {
      st.forget();
      confirmBtn.hidden = true;
      message.textContent = t("Forgotten: nothing is kept in this browser now.");
      paint();
    });

    function paint() {
      const answers = st.answers();
      const sessions = st.sessions();
      answersBox.replaceChildren(h("h2", { id: "progress-answers-h" }, t("Practice answers")));
      if (!answers.length) answersBox.append(h("p", {}, t("No practice answers yet: try lesson 3 or lesson 6.")));
      else {
        const stats = R.pointStats(answers);
        const table = h("table", { class: "cs-table", "data-testid": "answers-table" });
        const head = h("tr");
        for (const text of [t("Point"), t("Answers"), t("Right"), t("Close"), t("Missed"), t("Mean distance (cun)")]) head.append(h("th", { scope: "col" }, text));
        table.append(h("thead"), h("tbody"));
        table.tHead.append(head);
        for (const s of Object.values(stats).sort((a, b) => (a.point < b.point ? -1 : 1))) {
          const tr = h("tr");
          tr.append(
            h("th", { scope: "row" }, s.point),
            h("td", { class: "num" }, number(s.attempts)),
            h("td", { class: "num" }, number(s.right)),
            h("td", { class: "num" }, number(s.close)),
            h("td", { class: "num" }, number(s.missed)),
            h("td", { class: "num" }, s.mean_error_cun === null ? "–" : fixed1(s.mean_error_cun)),
          );
          table.tBodies[0].append(tr);
        }
        const wrap = h("div", { class: "table-wrap" });
        wrap.append(table);
        answersBox.append(h("p", {}, tn("{n} answer kept.", "{n} answers kept.", answers.length)), wrap);
      }
      sessionsBox.replaceChildren(h("h2", { id: "progress-sessions-h" }, t("Timer sessions")));
      if (!sessions.length) sessionsBox.append(h("p", {}, t("No finished timer sessions yet: lesson 4 has the timer.")));
      else {
        const table = h("table", { class: "cs-table", "data-testid": "sessions-table" });
        const head = h("tr");
        for (const text of [t("Started"), t("Routine"), t("Timing"), t("Legs"), t("Planned"), t("Actual")]) head.append(h("th", { scope: "col" }, text));
        table.append(h("thead"), h("tbody"));
        table.tHead.append(head);
        for (const s of sessions.slice().reverse()) {
          const planned = s.steps.reduce((sum, x) => sum + x.planned_s, 0);
          const actual = s.steps.reduce((sum, x) => sum + x.actual_s, 0);
          const tr = h("tr");
          tr.append(
            h("td", {}, new Date(s.started_at).toLocaleString(window.CCT_I18N.lang)),
            h("td", {}, s.routine.title),
            h("td", {}, VARIANT_TEXT[s.variant] || s.variant),
            h("td", {}, LEGS_TEXT[s.legs] || s.legs),
            h("td", { class: "num" }, clock(planned)),
            h("td", { class: "num" }, clock(actual)),
          );
          table.tBodies[0].append(tr);
        }
        const wrap = h("div", { class: "table-wrap" });
        wrap.append(table);
        sessionsBox.append(wrap);
      }
      if (st.problem) message.textContent = st.problem;
    }
    paint();
  }

  // ================================================================ mounting
  const MOUNTS = {
    timer: mountTimer,
    practice: mountPractice,
    explorer: mountExplorer,
    calculator: mountCalculator,
    "safety-check": mountSafety,
    progress: mountProgress,
    // the photo overlay lives in photo-site.js; its practice answers join this page's store
    photo: (node, cfg) => window.CCTPhotoSite.mount(node, cfg, { store: getStore(), onSite: onSite() }),
  };

  function config(node) {
    const id = node.dataset.config;
    if (!id) return {};
    const source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : {};
  }

  function mountAll() {
    for (const node of document.querySelectorAll(".cs-widget[data-widget]")) {
      const mount = MOUNTS[node.dataset.widget];
      if (!mount || node.dataset.mounted) continue;
      node.dataset.mounted = "true";
      node.replaceChildren();
      try {
        Promise.resolve(mount(node, config(node))).catch((err) => failed(node, err));
      } catch (err) {
        failed(node, err);
      }
    }
  }
  function failed(node, err) {
    node.append(h("p", { class: "cs-error", role: "alert" }, t("This part of the page could not start: {problem}", { problem: err.message })));
    console.error(err);
  }

  window.CCTSite = { makeModel, mountAll, mountTimer };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
