// The photo of the learner's leg with its landmark handles and the overlay
// (tutorial.widgets.photo.PhotoCanvas).
//
// The kernel sends the photo (JPEG bytes), the handles to place, and the overlay it computed
// (points, labels, colours, the cun ruler) in image pixels; this file only draws them in an
// SVG laid over the image, whose viewBox is the image's pixels, so every mark stays on its
// spot at any width. Clicks place the next landmark; handles are dragged with pointer events
// (mouse, pen and touch). All text is set with textContent.

const SVG = "http://www.w3.org/2000/svg";
const SEND_EVERY_MS = 60;

function svgEl(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
  if (parent) parent.appendChild(node);
  return node;
}

// ---------------------------------------------------------------------------------------
// The fit, a copy of tutorial.content.photofit (fit_frame, place_points, ruler, orientation_words,
// overlay) so that the marks follow a dragged handle at once and the in-browser site can
// run the overlay with no Python. Its truth is the Python module: the shared cases in
// tests/cases/photo.json are run through both (tests/test_photo_js.py).
// `rules` is tutorial.content.photofit.photo_rules(view, side): template, limits, messages, words.

const cx = (re, im) => ({ re, im });
const csub = (a, b) => cx(a.re - b.re, a.im - b.im);
const cadd = (a, b) => cx(a.re + b.re, a.im + b.im);
const cmul = (a, b) => cx(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
const cdiv = (a, b) => {
  const d = b.re * b.re + b.im * b.im;
  return cx((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
};
const cabs = (a) => Math.hypot(a.re, a.im);

class PhotoRefusal extends Error {
  constructor(key, field, text) {
    super(text);
    this.key = key;
    this.field = field;
  }
}

function refuse(rules, key, field, values) {
  const text = rules.messages[key].replace(/\{(\w+)\}/g, (_m, name) => String(values?.[name]));
  return new PhotoRefusal(key, field, text);
}

// Python's f"{x:.Nf}" (round half to even on the exact binary value, as toFixed does)
const fixed = (x, n) => x.toFixed(n);

function edgesAt(template, y) {
  const rows = template.profile; // y descending
  const n = rows.length;
  const top = rows[0][0];
  const bottom = rows[n - 1][0];
  const yy = Math.min(Math.max(y, bottom), top);
  for (let i = 0; i < n - 1; i += 1) {
    const [y0, l0, r0] = rows[i];
    const [y1, l1, r1] = rows[i + 1];
    if (yy <= y0 && yy >= y1) {
      const t = y0 === y1 ? 0 : (y0 - yy) / (y0 - y1);
      return [l0 + t * (l1 - l0), r0 + t * (r1 - r0)];
    }
  }
  return [rows[n - 1][1], rows[n - 1][2]];
}

function makeFrame(a, b, k, fitted) {
  return {
    a,
    b,
    k,
    fitted,
    cunPx: cabs(a),
    toImage(x, y) {
      const z = cadd(cmul(a, cx(k * x, y)), b);
      return [z.re, -z.im];
    },
    toLeg(u, v) {
      const w = cdiv(csub(cx(u, -v), b), a);
      return [w.re / k, w.im];
    },
  };
}

export function fitFrame(rules, landmarks, size) {
  const { template, limits } = rules;
  const knee = landmarks.knee;
  const ankle = landmarks.ankle;
  if (!knee || !ankle) return null;
  const du = ankle[0] - knee[0];
  const dv = ankle[1] - knee[1];
  const length = Math.hypot(du, dv);
  const longSide = Math.max(size[0], size[1]);
  if (length < limits.min_axis_fraction * longSide) {
    throw refuse(rules, "axis_short", "ankle", { px: fixed(length, 0) });
  }
  const tilt = (Math.atan2(Math.abs(du), dv) * 180) / Math.PI;
  if (tilt > limits.swapped_tilt_deg) throw refuse(rules, "swapped", "ankle");
  if (tilt > limits.max_tilt_deg) throw refuse(rules, "ankle_above", "ankle");
  const qKnee = cx(knee[0], -knee[1]);
  const qAnkle = cx(ankle[0], -ankle[1]);
  const frame = (k, fitted) => {
    const pKnee = cx(k * template.knee[0], template.knee[1]);
    const pAnkle = cx(k * template.ankle[0], template.ankle[1]);
    const a = cdiv(csub(qAnkle, qKnee), csub(pAnkle, pKnee));
    return makeFrame(a, csub(qKnee, cmul(a, pKnee)), k, fitted);
  };
  const first = frame(1.0, false);
  const edgeA = landmarks.edge_a;
  const edgeB = landmarks.edge_b;
  if (!edgeA || !edgeB) return first;
  if (Math.hypot(edgeA[0] - edgeB[0], edgeA[1] - edgeB[1]) < 0.01 * longSide) {
    throw refuse(rules, "edges_same", "edge_b");
  }
  const sideA = du * (edgeA[1] - knee[1]) - dv * (edgeA[0] - knee[0]);
  const sideB = du * (edgeB[1] - knee[1]) - dv * (edgeB[0] - knee[0]);
  if (sideA * sideB >= 0) throw refuse(rules, "edges_one_side", "edge_b");
  let [xa, ya] = first.toLeg(edgeA[0], edgeA[1]);
  let [xb, yb] = first.toLeg(edgeB[0], edgeB[1]);
  if ((xa - xb) * template.edge_a_sign < 0) {
    throw refuse(rules, "edges_wrong_side", "edge_a", {
      side: rules.side_name,
      view: rules.view_name,
      edge_a: rules.edge_a_short,
    });
  }
  const rows = template.profile;
  const top = rows[0][0];
  const bottom = Math.min(template.ankle[1], rows[rows.length - 1][0]);
  const level = (ya + yb) / 2;
  if (level > top + 0.5) throw refuse(rules, "edges_above", "edge_a");
  if (level < bottom - 0.5) throw refuse(rules, "edges_below", "edge_a");
  let k = 1.0;
  let current = first;
  for (let i = 0; i < limits.width_iterations; i += 1) {
    [xa, ya] = current.toLeg(edgeA[0], edgeA[1]);
    [xb, yb] = current.toLeg(edgeB[0], edgeB[1]);
    const [left, right] = edgesAt(template, (ya + yb) / 2);
    const kNew = (Math.abs(xa - xb) * k) / (right - left);
    current = frame(kNew, true);
    if (Math.abs(kNew - k) < 1e-9) break;
    k = kNew;
  }
  if (!(limits.min_width_factor <= current.k && current.k <= limits.max_width_factor)) {
    throw refuse(rules, "width", "edge_b", { factor: fixed(current.k, 1) });
  }
  return current;
}

export function orientationWords(frame) {
  const z = cmul(frame.a, cx(0, 1));
  const du = z.re / cabs(z);
  const dv = -z.im / cabs(z);
  if (Math.abs(dv) >= Math.abs(du)) return dv < 0 ? "top" : "bottom";
  return du < 0 ? "left" : "right";
}

// The same data as tutorial.content.photofit.overlay (unrounded): what the overlay draws.
export function computeOverlay(rules, landmarks, size) {
  const result = {
    status: "pending",
    message: "",
    field: "",
    key: "",
    points: [],
    ruler: [],
    knee_at: "",
    cun_px: 0,
    k: 1,
  };
  let frame;
  try {
    frame = fitFrame(rules, landmarks, size);
  } catch (error) {
    if (!(error instanceof PhotoRefusal)) throw error;
    return { ...result, status: "error", message: error.message, field: error.field, key: error.key };
  }
  if (!frame) return result;
  const { template } = rules;
  result.status = frame.fitted ? "ok" : "pending";
  result.points = template.points.map(([code, x, y]) => {
    const [u, v] = frame.toImage(x, y);
    return { code, u, v };
  });
  for (let n = 0; n <= 16; n += 1) {
    const [u, v] = frame.toImage(template.ruler_x, -n);
    result.ruler.push([n, u, v]);
  }
  result.knee_at = orientationWords(frame);
  result.cun_px = frame.cunPx;
  result.k = frame.k;
  return result;
}

// A stand-in for the widget model when there is no kernel (the in-browser site): the same
// get/set/on/off/save_changes, holding tutorial.widgets.photo.browser_state(view, side) plus
// the photo's bytes (`photo`, JPEG or PNG) and `image_size` ([width, height]).
export function createLocalModel(state) {
  const values = { standalone: true, ...state };
  const handlers = {};
  return {
    get: (name) => values[name],
    set(name, value) {
      const changed = values[name] !== value;
      values[name] = value;
      if (changed) for (const fn of handlers[`change:${name}`] || []) fn();
    },
    on(event, fn) {
      (handlers[event] = handlers[event] || []).push(fn);
    },
    off(event, fn) {
      handlers[event] = (handlers[event] || []).filter((f) => f !== fn);
    },
    save_changes() {},
  };
}

function render({ model, el }) {
  el.classList.add("calf-photo");
  const stage = document.createElement("div");
  stage.className = "calf-photo__stage";
  const img = document.createElement("img");
  img.className = "calf-photo__img";
  img.draggable = false;
  // role "group", not "img": the picture holds draggable handles (axe: nested-interactive)
  const svg = svgEl("svg", { class: "calf-photo__svg", role: "group" });
  const layers = {};
  for (const name of ["axis", "ruler", "points", "practice", "handles"]) {
    layers[name] = svgEl("g", { class: `calf-photo__${name}` }, svg);
  }
  stage.appendChild(img);
  stage.appendChild(svg);
  el.appendChild(stage);
  // without a kernel the front end says itself what to click next (plain text)
  const status = document.createElement("p");
  status.className = "calf-photo__status";
  el.insertBefore(status, stage);
  const link = document.createElement("a");
  link.className = "calf-photo__download";
  link.style.display = "none";
  el.appendChild(link);

  let url = null;
  let downloadUrl = null;
  let local = { ...model.get("landmarks") }; // shown positions (ahead of the kernel mid-drag)
  let dragging = null;
  let moved = false; // the pointer moved since it went down (a drag, not a click)
  let downAt = [0, 0]; // where it went down (client pixels)
  let focused = null; // the handle that has the keyboard focus, kept across redraws
  let redrawing = false;
  let lastSent = 0;
  let pendingSend = null;

  const size = () => {
    const [w, h] = model.get("image_size");
    return { w: w || 1, h: h || 1 };
  };
  // image pixels per CSS pixel: marks keep their on-screen size at any display width
  const perPx = () => {
    const box = svg.getBoundingClientRect();
    return box.width > 0 ? size().w / box.width : 1;
  };

  function showPhoto() {
    const data = model.get("photo");
    const bytes = data && data.byteLength !== undefined ? data : new Uint8Array(0);
    if (url) URL.revokeObjectURL(url);
    url = null;
    el.classList.toggle("calf-photo--empty", bytes.byteLength === 0);
    if (bytes.byteLength > 0) {
      url = URL.createObjectURL(new Blob([bytes], { type: "image/jpeg" }));
      img.src = url;
    } else {
      img.removeAttribute("src");
    }
    img.alt = model.get("alt");
    const { w, h } = size();
    svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    svg.setAttribute("aria-label", model.get("alt"));
    local = { ...model.get("landmarks") };
    draw();
  }

  function text(parent, x, y, content, px, attrs) {
    const node = svgEl(
      "text",
      { x, y, "font-size": px, class: "calf-photo__label", ...(attrs || {}) },
      parent,
    );
    node.textContent = content;
    return node;
  }

  function clear(group) {
    while (group.firstChild) group.removeChild(group.firstChild);
  }

  function drawRuler(overlay, s, style) {
    const ticks = overlay.ruler || [];
    if (ticks.length < 2) return;
    const first = ticks[0];
    const last = ticks[ticks.length - 1];
    const len = Math.hypot(last[1] - first[1], last[2] - first[2]) || 1;
    // across the ruler, towards the leg: the ruler is drawn beside it
    let nx = -(last[2] - first[2]) / len;
    let ny = (last[1] - first[1]) / len;
    const cunPx = overlay.cun_px || len / 16;
    const toLeg = (overlay.points || [])[0];
    if (toLeg && (toLeg.u - first[1]) * nx + (toLeg.v - first[2]) * ny < 0) {
      nx = -nx;
      ny = -ny;
    }
    for (const [colour, width] of [
      [style.ruler_shadow, 5 * s],
      [style.ruler_colour, 2.5 * s],
    ]) {
      const parts = [`M ${first[1]} ${first[2]} L ${last[1]} ${last[2]}`];
      for (const [n, u, v] of ticks) {
        const t = (n % 4 === 0 ? 0.45 : 0.25) * cunPx;
        parts.push(`M ${u} ${v} L ${u + nx * t} ${v + ny * t}`);
      }
      svgEl(
        "path",
        { d: parts.join(" "), stroke: colour, "stroke-width": width, fill: "none" },
        layers.ruler,
      );
    }
    const px = style.label_px * 0.9 * s;
    for (const [n, u, v] of ticks) {
      if (n % 4 !== 0) continue;
      text(layers.ruler, u - nx * 0.4 * cunPx, v - ny * 0.4 * cunPx, String(n), px, {
        "text-anchor": "middle",
        "dominant-baseline": "middle",
      });
    }
    text(
      layers.ruler,
      first[1] - nx * 0.4 * cunPx,
      first[2] - ny * 0.4 * cunPx - 1.6 * px,
      style.ruler_label || "cun",
      px,
      { "text-anchor": "middle" },
    );
  }

  function drawPoints(overlay, s, style, only) {
    const px = style.label_px * s;
    const points = (overlay.points || []).filter((p) => !only || p.code === only);
    // labels on the side of the picture away from the ruler, spread so they never overlap
    const ruler = (overlay.ruler || [])[0];
    const toRight = !ruler || points.length === 0 || ruler[1] < points[0].u;
    const order = [...points].sort((a, b) => a.v - b.v);
    let lastY = -Infinity;
    for (const point of order) {
      const y = Math.max(point.v, lastY + 1.25 * px);
      lastY = y;
      let dx = (toRight ? 1 : -1) * 16 * s;
      // a label never starts under a landmark handle: it moves past the handle
      const r = (style.handle_px || 11) * s;
      for (const at of Object.values(local)) {
        const ahead = toRight ? at[0] - point.u : point.u - at[0];
        if (Math.abs(at[1] - y) < 1.6 * r && ahead > -r && ahead < Math.abs(dx) + r) {
          dx = (toRight ? 1 : -1) * (ahead + 1.6 * r);
        }
      }
      svgEl(
        "line",
        {
          x1: point.u,
          y1: point.v,
          x2: point.u + dx * 0.8,
          y2: y,
          stroke: "#1d1d1d",
          "stroke-width": 1.2 * s,
        },
        layers.points,
      );
      svgEl(
        "circle",
        {
          cx: point.u,
          cy: point.v,
          r: 6.5 * s,
          fill: point.colour,
          stroke: "#ffffff",
          "stroke-width": 2 * s,
          "data-code": point.code,
          class: "calf-photo__point",
        },
        layers.points,
      );
      text(layers.points, point.u + dx, y, point.label, px, {
        "text-anchor": toRight ? "start" : "end",
        "dominant-baseline": "middle",
        "stroke-width": 3.5 * s,
        "data-label": point.code,
      });
    }
  }

  function drawHandles(s, style) {
    const handles = model.get("handles") || [];
    const r = style.handle_px * s;
    for (const handle of handles) {
      const at = local[handle.id];
      if (!at) continue;
      const group = svgEl(
        "g",
        {
          class: "calf-photo__handle",
          "data-handle": handle.id,
          tabindex: 0,
          role: "button",
          "aria-label": `${handle.short}: ${handle.text}`,
        },
        layers.handles,
      );
      svgEl(
        "circle",
        {
          cx: at[0],
          cy: at[1],
          r,
          fill: handle.colour,
          "fill-opacity": 0.25,
          stroke: handle.colour,
          "stroke-width": 3 * s,
        },
        group,
      );
      svgEl("circle", { cx: at[0], cy: at[1], r: 2.2 * s, fill: handle.colour }, group);
      text(group, at[0] + r + 4 * s, at[1] - r, handle.short, style.label_px * 0.9 * s, {
        "stroke-width": 3 * s,
      });
    }
    // redrawing replaced the elements: give the keyboard focus back to the same handle
    if (focused) {
      const again = layers.handles.querySelector(`[data-handle="${focused}"]`);
      if (again) again.focus();
    }
  }

  function drawPractice(s, style) {
    const practice = model.get("practice") || {};
    if (practice.true) {
      svgEl(
        "circle",
        {
          cx: practice.true[0],
          cy: practice.true[1],
          r: 13 * s,
          fill: "none",
          stroke: style.true_colour,
          "stroke-width": 4 * s,
          class: "calf-photo__true",
        },
        layers.practice,
      );
    }
    if (practice.click) {
      const [u, v] = practice.click;
      const d = 8 * s;
      svgEl(
        "path",
        {
          d: `M ${u - d} ${v - d} L ${u + d} ${v + d} M ${u - d} ${v + d} L ${u + d} ${v - d}`,
          stroke: style.click_colour,
          "stroke-width": 4 * s,
          class: "calf-photo__click",
        },
        layers.practice,
      );
    }
  }

  // computed here from the shown handles, so the marks follow a drag without waiting for
  // the kernel; the kernel computes the same (tests/cases/photo.json) for its messages
  function currentOverlay() {
    const rules = model.get("rules");
    if (!rules || !rules.template) return {};
    const overlay = computeOverlay(rules, local, [size().w, size().h]);
    const labels = model.get("labels") || {};
    overlay.points = overlay.points.map((p) => ({
      ...p,
      label: labels[p.code] ? labels[p.code].label : p.code,
      colour: labels[p.code] ? labels[p.code].colour : "#0072B2",
    }));
    return overlay;
  }

  function showStatus(overlay) {
    const texts = model.get("texts") || {};
    status.style.display = model.get("standalone") ? "" : "none";
    status.classList.toggle("calf-photo__status--error", overlay.status === "error");
    if (!url) {
      status.textContent = texts.no_photo || "";
    } else if (overlay.status === "error") {
      status.textContent = overlay.message;
    } else {
      const next = (model.get("handles") || []).find((h) => !local[h.id]);
      status.textContent = next
        ? (texts.next_click || "{what}").replace("{what}", next.text)
        : texts.done || "";
    }
  }

  function draw() {
    redrawing = true; // removing a focused handle is not the user leaving it
    for (const group of Object.values(layers)) clear(group);
    redrawing = false;
    showStatus(url ? currentOverlay() : {});
    if (!url) return;
    const s = perPx();
    const style = model.get("look") || {};
    const overlay = currentOverlay();
    const mode = model.get("mode");
    el.classList.toggle("calf-photo--practice", mode === "practice");
    const knee = local.knee;
    const ankle = local.ankle;
    if (knee && ankle && mode !== "practice") {
      svgEl(
        "line",
        {
          x1: knee[0],
          y1: knee[1],
          x2: ankle[0],
          y2: ankle[1],
          stroke: "#ffffff",
          "stroke-width": 1.5 * s,
          "stroke-dasharray": `${6 * s} ${5 * s}`,
        },
        layers.axis,
      );
    }
    const ok = overlay.status === "ok" || overlay.status === "pending";
    if (ok && mode !== "practice") {
      drawRuler(overlay, s, style);
      drawPoints(overlay, s, style, null);
    }
    if (mode === "practice") {
      drawPractice(s, style);
    } else {
      drawHandles(s, style);
    }
  }

  function toImage(event) {
    const box = svg.getBoundingClientRect();
    const { w, h } = size();
    return [((event.clientX - box.left) / box.width) * w, ((event.clientY - box.top) / box.height) * h];
  }

  function send(now) {
    lastSent = now;
    model.set("landmarks", { ...local });
    model.save_changes();
  }

  function onDown(event) {
    if (!url || event.button > 0) return;
    const at = toImage(event);
    if (model.get("mode") === "practice") {
      if (!model.get("enabled")) return;
      model.set("click", { u: at[0], v: at[1], n: Date.now() + Math.random() });
      model.save_changes();
      return;
    }
    const handle = event.target.closest ? event.target.closest("[data-handle]") : null;
    if (handle) {
      dragging = handle.getAttribute("data-handle");
    } else {
      const next = (model.get("handles") || []).find((h) => !local[h.id]);
      if (!next) return;
      local[next.id] = at;
      dragging = next.id;
      send(performance.now());
    }
    moved = false;
    downAt = [event.clientX, event.clientY];
    svg.setPointerCapture(event.pointerId);
    event.preventDefault();
    draw();
  }

  function onMove(event) {
    if (!dragging) return;
    // a browser may report a "move" when the page moves under a still pointer: not a drag
    if (!moved && event.clientX === downAt[0] && event.clientY === downAt[1]) return;
    moved = true;
    local[dragging] = toImage(event);
    draw();
    const now = performance.now();
    if (now - lastSent >= SEND_EVERY_MS) {
      send(now);
    } else if (!pendingSend) {
      pendingSend = setTimeout(() => {
        pendingSend = null;
        if (dragging) send(performance.now());
      }, SEND_EVERY_MS);
    }
  }

  function onUp(event) {
    if (!dragging) return;
    // a click keeps the spot it went down on: the page may have moved under the pointer
    // since (a text above the photo changed its height), which is no drag
    if (moved) local[dragging] = toImage(event);
    dragging = null;
    if (svg.hasPointerCapture(event.pointerId)) svg.releasePointerCapture(event.pointerId);
    send(performance.now());
    draw();
  }

  // arrow keys move the focused handle (Shift: ten times further), for keyboard users
  function onKey(event) {
    const handle = event.target.closest ? event.target.closest("[data-handle]") : null;
    const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (!handle || !steps[event.key]) return;
    const id = handle.getAttribute("data-handle");
    const step = (event.shiftKey ? 10 : 1) * perPx();
    const [du, dv] = steps[event.key];
    local[id] = [local[id][0] + du * step, local[id][1] + dv * step];
    focused = id;
    event.preventDefault();
    send(performance.now());
    draw();
  }

  function onLandmarks() {
    if (!dragging) local = { ...model.get("landmarks") };
    draw();
  }

  function showDownload() {
    const data = model.get("download_png");
    const bytes = data && data.byteLength !== undefined ? data : new Uint8Array(0);
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = null;
    if (bytes.byteLength === 0) {
      link.style.display = "none";
      link.removeAttribute("href");
      return;
    }
    downloadUrl = URL.createObjectURL(new Blob([bytes], { type: "image/png" }));
    link.href = downloadUrl;
    link.download = model.get("download_name") || "my-leg-points.png";
    link.textContent = model.get("download_text"); // Python's words, in the course's language
    link.style.display = "";
  }

  svg.addEventListener("pointerdown", onDown);
  svg.addEventListener("keydown", onKey);
  svg.addEventListener("focusout", (event) => {
    if (!redrawing && !svg.contains(event.relatedTarget)) focused = null;
  });
  svg.addEventListener("pointermove", onMove);
  svg.addEventListener("pointerup", onUp);
  svg.addEventListener("pointercancel", onUp);
  img.addEventListener("load", draw);
  const observer = new ResizeObserver(() => draw());
  observer.observe(stage);
  const watched = {
    "change:photo": showPhoto,
    "change:image_size": showPhoto,
    "change:alt": showPhoto,
    "change:landmarks": onLandmarks,
    "change:rules": draw,
    "change:labels": draw,
    "change:standalone": draw,
    "change:handles": draw,
    "change:mode": draw,
    "change:practice": draw,
    "change:look": draw,
    "change:download_png": showDownload,
  };
  for (const [name, fn] of Object.entries(watched)) model.on(name, fn);
  showPhoto();
  showDownload();
  return () => {
    for (const [name, fn] of Object.entries(watched)) model.off(name, fn);
    observer.disconnect();
    if (pendingSend) clearTimeout(pendingSend);
    if (url) URL.revokeObjectURL(url);
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  };
}

export default { render };
