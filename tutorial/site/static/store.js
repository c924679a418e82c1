// Progress kept in this browser: practice answers and timer sessions, as appended facts.
//
// Stored in localStorage (one key); exported and imported as a file in the format the
// Python store imports ("calf-cramp-tutorial/progress", version 1). Imports are checked
// strictly: a bad file gives one plain-text message naming the field, and nothing is lost.
// A classic script: window.CCTStore in a page, module.exports in Node (tests).

(function (root, factory) {
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.CCTStore = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict"; // i18n: ignore

  // The page's words: the translator of tutorial/static/i18n.js (window.CCT_I18N, made by the
  // site's assets/i18n.js; tests set it on globalThis before loading this file).
  const { t } = globalThis.CCT_I18N;
  const FORMAT = "calf-cramp-tutorial/progress";
  const VERSION = 1;
  const KEY = "calf-cramp-tutorial:progress:v1";
  const MAX_ANSWERS = 20000;
  const MAX_SESSIONS = 2000;
  const MAX_FILE_BYTES = 5000000;
  const KINDS = ["locate", "name", "step"];
  const SIDES = ["right", "left"];
  const VIEWS = ["anterior", "posterior", "lateral", "medial"];
  const VERDICTS = ["right", "close", "missed", "wrong"];
  const VARIANTS = ["quick", "default", "full", "custom"];
  const LEGS = ["one", "both"];
  const CODE = /^[A-Z]{1,3}[0-9]{1,3}$/;
  const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

  class ImportError extends Error {}

  function uuid() {
    if (typeof crypto !== "undefined" && crypto.randomUUID) {
      try {
        return crypto.randomUUID(); // not offered to file:// pages in every browser
      } catch {}
    }
    const bytes = new Uint8Array(16);
    if (typeof crypto !== "undefined" && crypto.getRandomValues) crypto.getRandomValues(bytes);
    else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  const now = () => new Date().toISOString();

  // ------------------------------------------------------------ checking a file
  function fail(where, what) {
    throw new ImportError(`${where}: ${what}`);
  }
  function object(value, where, keys, optional = []) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      fail(where, t("expected an object"));
    }
    for (const key of keys) if (!(key in value)) fail(`${where}.${key}`, t("missing"));
    for (const key of Object.keys(value)) {
      if (!keys.includes(key) && !optional.includes(key)) fail(`${where}.${key}`, t("unknown field"));
    }
    return value;
  }
  function text(value, where, max = 200) {
    if (typeof value !== "string" || !value.length || value.length > max) {
      fail(where, t("expected a text of 1 to {max} characters", { max }));
    }
    return value;
  }
  function time(value, where) {
    if (typeof value !== "string" || !ISO.test(value) || Number.isNaN(Date.parse(value))) {
      fail(where, t("expected a date and time in ISO 8601, such as {example}", { example: "2026-01-31T09:30:00Z" }));
    }
    return value;
  }
  function oneOf(value, where, allowed) {
    if (!allowed.includes(value)) {
      fail(where, t("expected one of {values}", { values: allowed.map((a) => (a === null ? "null" : a)).join(", ") }));
    }
    return value;
  }
  function seconds(value, where) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 86400) {
      fail(where, t("expected a number of seconds from 0 to {max}", { max: 86400 }));
    }
    return value;
  }
  function list(value, where, max) {
    if (!Array.isArray(value)) fail(where, t("expected a list"));
    if (value.length > max) fail(where, t("more than {max} entries", { max }));
    return value;
  }

  function checkAnswer(a, where) {
    object(a, where, ["id", "at", "kind", "point", "side", "view", "verdict", "error_cun"]);
    text(a.id, `${where}.id`, 64);
    time(a.at, `${where}.at`);
    oneOf(a.kind, `${where}.kind`, KINDS);
    if (typeof a.point !== "string" || !CODE.test(a.point)) {
      fail(`${where}.point`, t("expected a point code such as {example}", { example: "ST36" }));
    }
    oneOf(a.side, `${where}.side`, SIDES);
    oneOf(a.view, `${where}.view`, [...VIEWS, null]);
    oneOf(a.verdict, `${where}.verdict`, VERDICTS);
    if (a.error_cun !== null) {
      if (typeof a.error_cun !== "number" || !Number.isFinite(a.error_cun) || a.error_cun < 0 || a.error_cun >= 1000) {
        fail(`${where}.error_cun`, t("expected null or a distance from 0 to {max} cun", { max: 1000 }));
      }
    }
  }

  function checkSession(s, where) {
    object(s, where, ["id", "started_at", "routine", "variant", "legs", "steps"]);
    text(s.id, `${where}.id`, 64);
    time(s.started_at, `${where}.started_at`);
    object(s.routine, `${where}.routine`, ["title", "steps"]);
    text(s.routine.title, `${where}.routine.title`, 200);
    list(s.routine.steps, `${where}.routine.steps`, 200).forEach((step, i) => {
      const w = `${where}.routine.steps[${i}]`;
      object(step, w, ["id", "title", "min_seconds", "max_seconds", "default_seconds"]);
      text(step.id, `${w}.id`, 64);
      text(step.title, `${w}.title`, 200);
      for (const k of ["min_seconds", "max_seconds", "default_seconds"]) seconds(step[k], `${w}.${k}`);
    });
    oneOf(s.variant, `${where}.variant`, VARIANTS);
    oneOf(s.legs, `${where}.legs`, LEGS);
    list(s.steps, `${where}.steps`, 1000).forEach((step, i) => {
      const w = `${where}.steps[${i}]`;
      object(step, w, ["id", "leg", "planned_s", "actual_s", "paused_s", "skipped"]);
      text(step.id, `${w}.id`, 64);
      oneOf(step.leg, `${w}.leg`, [...SIDES, null]);
      for (const k of ["planned_s", "actual_s", "paused_s"]) seconds(step[k], `${w}.${k}`);
      if (typeof step.skipped !== "boolean") fail(`${w}.skipped`, t("expected true or false"));
    });
  }

  // Parse and check an exported file's text; returns {answers, sessions} or throws ImportError.
  function parseFile(textContent) {
    if (typeof textContent !== "string") fail(t("(file)"), t("expected a text file"));
    if (textContent.length > MAX_FILE_BYTES) fail(t("(file)"), t("too big for a progress file"));
    let raw;
    try {
      raw = JSON.parse(textContent);
    } catch (err) {
      fail(t("(file)"), t("cannot read it as JSON ({problem})", { problem: err.message }));
    }
    if (raw === null || typeof raw !== "object" || Array.isArray(raw) || raw.format !== FORMAT) {
      fail("format", t("this is not a progress file (expected format “{format}”)", { format: FORMAT }));
    }
    if (!Number.isInteger(raw.version) || raw.version < 1) fail("version", t("expected a whole number of at least 1"));
    if (raw.version > VERSION) {
      fail("version", t("written by a newer version of the tutorial (version {version}, this page reads {reads})", { version: raw.version, reads: VERSION }));
    }
    object(raw, "(file)", ["format", "version", "exported_at", "answers", "sessions"]);
    time(raw.exported_at, "exported_at");
    list(raw.answers, "answers", MAX_ANSWERS).forEach((a, i) => checkAnswer(a, `answers[${i}]`));
    list(raw.sessions, "sessions", MAX_SESSIONS).forEach((s, i) => checkSession(s, `sessions[${i}]`));
    return { answers: raw.answers, sessions: raw.sessions };
  }

  // ------------------------------------------------------------ the store
  function empty() {
    return { answers: [], sessions: [] };
  }

  function merge(into, extra) {
    // Facts are appended; the same fact (same id) is kept once. Oldest first.
    const out = { answers: into.answers.slice(), sessions: into.sessions.slice() };
    const seenA = new Set(out.answers.map((a) => a.id));
    const seenS = new Set(out.sessions.map((s) => s.id));
    let added = 0;
    for (const a of extra.answers) if (!seenA.has(a.id)) (out.answers.push(a), seenA.add(a.id), (added += 1));
    for (const s of extra.sessions) if (!seenS.has(s.id)) (out.sessions.push(s), seenS.add(s.id), (added += 1));
    out.answers.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    out.sessions.sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at));
    out.answers = out.answers.slice(-MAX_ANSWERS);
    out.sessions = out.sessions.slice(-MAX_SESSIONS);
    return { data: out, added };
  }

  function toFile(data) {
    return {
      format: FORMAT,
      version: VERSION,
      exported_at: now(),
      answers: data.answers,
      sessions: data.sessions,
    };
  }

  // A store over a Storage (localStorage in a page, a Map-like stand-in in tests).
  function open(storage) {
    const listeners = new Set();
    let problem = "";

    function read() {
      let textContent = null;
      try {
        textContent = storage.getItem(KEY);
      } catch {
        problem = t("This browser does not allow this page to keep data; progress lasts until the page closes.");
        return memory;
      }
      if (!textContent) return empty();
      try {
        const parsed = JSON.parse(textContent);
        return { answers: parsed.answers || [], sessions: parsed.sessions || [] };
      } catch {
        return empty();
      }
    }
    let memory = empty();
    function write(data) {
      memory = data;
      try {
        storage.setItem(KEY, JSON.stringify(data));
      } catch {
        problem = t("Your progress could not be kept in this browser (storage full or not allowed).");
      }
      for (const cb of listeners) cb(data);
    }

    return {
      get problem() {
        return problem;
      },
      data: () => read(),
      answers: () => read().answers,
      sessions: () => read().sessions,
      addAnswer(fields) {
        const answer = {
          id: uuid(),
          at: now(),
          kind: fields.kind,
          point: fields.point,
          side: fields.side || "right",
          view: fields.view === undefined ? null : fields.view,
          verdict: fields.verdict,
          error_cun: typeof fields.error_cun === "number" ? fields.error_cun : null,
        };
        checkAnswer(answer, "answer");
        const data = read();
        data.answers.push(answer);
        data.answers = data.answers.slice(-MAX_ANSWERS);
        write(data);
        return answer;
      },
      addSession(fields) {
        const session = { id: uuid(), ...fields };
        checkSession(session, "session");
        const data = read();
        data.sessions.push(session);
        data.sessions = data.sessions.slice(-MAX_SESSIONS);
        write(data);
        return session;
      },
      exportText: () => JSON.stringify(toFile(read()), null, 1),
      importText(textContent) {
        const incoming = parseFile(textContent); // throws ImportError, nothing changed
        const { data, added } = merge(read(), incoming);
        write(data);
        return added;
      },
      forget() {
        write(empty());
      },
      onChange(cb) {
        listeners.add(cb);
        return () => listeners.delete(cb);
      },
    };
  }

  return { FORMAT, VERSION, KEY, ImportError, parseFile, merge, toFile, open, uuid };
});
