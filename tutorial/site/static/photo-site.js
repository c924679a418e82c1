// The photo overlay in the static site, with no Python behind the page
// (tutorial.widgets.photo.PhotoOverlay in JupyterLab and Voila).
//
// The learner picks a photo with a file input; this page checks it (size, what the file
// says it is, how many pixels it claims), decodes it with createImageBitmap (EXIF
// orientation applied: imageOrientation "from-image"), shrinks it on a canvas to at most
// max_side_px on the long side and hands it to tutorial/static/photo.js, the same front end
// the notebook uses, through photo.js's createLocalModel. The photo never leaves the
// browser: Save keeps the shrunk copy and the clicks in this browser's IndexedDB and
// offers the annotated picture (PNG, drawn here on a canvas) as a download; "Forget my
// photo" deletes them. Practice on the photo scores a click in cun of this leg with the
// quiz's bands and keeps the answer in the site's store, as lesson 6's practice does.
//
// Every text, limit and message comes from the package's data (window.CCT_DATA.photo,
// made by tutorial.site.export.photo_data). The file rules and the downscale size are
// checked against Python on shared cases (tests/cases/photo_site.json, node --test).
// A classic script: window.CCTPhotoSite in a page, module.exports in Node.

(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(require("./rules.js"));
  else root.CCTPhotoSite = factory(root.CCTRules);
})(typeof self !== "undefined" ? self : this, function (R) {
  "use strict"; // i18n: ignore

  const DB_NAME = "calf-cramp-tutorial"; // i18n: ignore
  const DB_STORE = "photo"; // i18n: ignore
  const DB_KEY = "saved"; // i18n: ignore
  const RECORD_FORMAT = "calf-cramp-tutorial/photo-landmarks"; // i18n: ignore

  // ------------------------------------------------------------ Python-compatible text
  const fill = (template, values) =>
    String(template).replace(/\{(\w+)\}/g, (whole, key) => (values && key in values ? String(values[key]) : whole));

  // f"{x:.{digits}f}": toFixed, except that an exact tie rounds to even as Python does
  function pyFixed(x, digits) {
    const scaled = x * 10 ** digits;
    if (Number.isInteger(scaled * 2) && !Number.isInteger(scaled)) {
      const low = Math.floor(scaled);
      const even = low % 2 === 0 ? low : low + 1;
      return (even / 10 ** digits).toFixed(digits);
    }
    return x.toFixed(digits);
  }

  // ------------------------------------------------------------ the downscale rule
  // tutorial.content.photofit.downscaled_size: Pillow's thumbnail rule.
  function downscaledSize(width, height, maxSide) {
    if (width <= maxSide && height <= maxSide) return [width, height];
    const aspect = width / height;
    const closest = (number, error) => {
      const low = Math.floor(number);
      const high = Math.ceil(number);
      return Math.max(error(high) < error(low) ? high : low, 1);
    };
    if (aspect <= 1) return [closest(maxSide * aspect, (n) => Math.abs(aspect - n / maxSide)), maxSide];
    return [maxSide, closest(maxSide / aspect, (n) => (n === 0 ? 0 : Math.abs(aspect - maxSide / n)))];
  }

  // ------------------------------------------------------------ what a file says it is
  const ascii = (b, i, n) => String.fromCharCode(...b.subarray(i, i + n));
  const u16be = (b, i) => (b[i] << 8) | b[i + 1];
  const u16le = (b, i) => b[i] | (b[i + 1] << 8);
  const u24le = (b, i) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
  const u32be = (b, i) => b[i] * 2 ** 24 + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
  const u32le = (b, i) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + b[i + 3] * 2 ** 24;
  const i32le = (b, i) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);

  function jpegSize(b) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null; // lost step: the decoder decides
      const marker = b[i + 1];
      if (marker === 0xff) {
        i += 1; // fill byte
        continue;
      }
      if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
        i += 2; // markers without a length
        continue;
      }
      if (marker === 0xd9 || marker === 0xda) return null; // end, or scan data before a frame
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: u16be(b, i + 5), width: u16be(b, i + 7) };
      }
      i += 2 + u16be(b, i + 2);
    }
    return null;
  }

  // The image format and size a file's first bytes state ({format, width?, height?}), or
  // null when it is no image this page reads (Pillow's "cannot identify image file").
  function imageHeader(bytes, heifBrands) {
    const b = bytes;
    if (b.length >= 24 && b[0] === 0x89 && ascii(b, 1, 3) === "PNG") {
      return ascii(b, 12, 4) === "IHDR" ? { format: "png", width: u32be(b, 16), height: u32be(b, 20) } : { format: "png" };
    }
    if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { format: "jpeg", ...jpegSize(b) };
    if (b.length >= 16 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") {
      const chunk = ascii(b, 12, 4);
      if (chunk === "VP8 " && b.length >= 30) return { format: "webp", width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
      if (chunk === "VP8L" && b.length >= 25) {
        const bits = u32le(b, 21);
        return { format: "webp", width: (bits & 0x3fff) + 1, height: (Math.floor(bits / 2 ** 14) & 0x3fff) + 1 };
      }
      if (chunk === "VP8X" && b.length >= 30) return { format: "webp", width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
      return { format: "webp" };
    }
    if (b.length >= 10 && /^GIF8[79]a$/.test(ascii(b, 0, 6))) return { format: "gif", width: u16le(b, 6), height: u16le(b, 8) };
    if (b.length >= 26 && ascii(b, 0, 2) === "BM") return { format: "bmp", width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) };
    if (b.length >= 12 && ascii(b, 4, 4) === "ftyp" && heifBrands.includes(ascii(b, 8, 4))) return { format: "heic" };
    return null;
  }

  // ------------------------------------------------------------ refusing a file
  // The same rules, in the same order, as tutorial.drawing.photoimage.read_photo, with
  // photo.toml's messages. Before decoding: {key, message} to refuse, or {header} to go on.
  function refusal(key, data, values) {
    return { key, message: fill(data.messages[key], values) };
  }

  function checkFile(file, data) {
    const { limits } = data;
    const name = file.name || "photo";
    if (file.size === 0) return refusal("empty", data, { name });
    if (file.size > limits.max_bytes) {
      return refusal("too_big", data, {
        name,
        size: pyFixed(file.size / 1e6, 1),
        limit: R.formatG(limits.max_bytes / 1e6),
      });
    }
    const header = imageHeader(file.head, data.heif_brands);
    if (!header) return refusal("not_image", data, { name });
    if (header.width && header.height && header.width * header.height > limits.max_pixels) {
      return refusal("bomb", data, {
        name,
        mpx: pyFixed((header.width * header.height) / 1e6, 0),
        limit: R.formatG(limits.max_pixels / 1e6),
      });
    }
    return { header };
  }

  // The browser could not decode it: a HEIC it cannot read, or damaged data.
  const decodeFailed = (name, header, data) => refusal(header.format === "heic" ? "heic" : "truncated", data, { name });

  // After decoding (upright): the size to shrink to, or a refusal when too small for points.
  function checkDecoded(name, width, height, data) {
    const size = downscaledSize(width, height, data.limits.max_side_px);
    if (Math.min(size[0], size[1]) < data.limits.min_side_px) {
      return refusal("too_small", data, { name, width: size[0], height: size[1] });
    }
    return { size };
  }

  // tutorial.content.photofit.score_photo_click on photo.js's computeOverlay result.
  function scorePhotoClick(overlay, code, u, v) {
    const point = (overlay.points || []).find((p) => p.code === code);
    if (!point) throw new RangeError(`${code} is not shown in this view`);
    return { distance: Math.hypot(u - point.u, v - point.v) / overlay.cun_px, true: [point.u, point.v] };
  }

  // ------------------------------------------------------------ kept in this browser
  function openDb() {
    return new Promise((resolve, reject) => {
      if (typeof indexedDB === "undefined") {
        reject(new Error("no IndexedDB"));
        return;
      }
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(DB_STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error || new Error("IndexedDB refused"));
    });
  }
  async function dbDo(mode, action) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(DB_STORE, mode);
        const request = action(tx.objectStore(DB_STORE));
        let result;
        request.onsuccess = () => {
          result = request.result;
        };
        tx.oncomplete = () => resolve(result);
        tx.onerror = () => reject(tx.error || new Error("IndexedDB refused"));
        tx.onabort = () => reject(tx.error || new Error("IndexedDB refused"));
      });
    } finally {
      db.close();
    }
  }
  const keepRecord = (record) => dbDo("readwrite", (s) => s.put(record, DB_KEY));
  const readRecord = () => dbDo("readonly", (s) => s.get(DB_KEY));
  const forgetRecord = () => dbDo("readwrite", (s) => s.delete(DB_KEY));

  // ------------------------------------------------------------ the page
  function h(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      node.setAttribute(key, value === true ? "" : value);
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }
  let uid = 0;
  const nextId = (prefix) => `${prefix}-${(uid += 1)}`;

  let photoModule = null;
  function loadPhotoModule() {
    if (!photoModule) {
      const url = URL.createObjectURL(new Blob([window.CCT_PHOTO_ESM], { type: "text/javascript" }));
      photoModule = import(url);
    }
    return photoModule;
  }

  // the course's drawing as a stand-in photo: one script, loaded when first asked for
  function loadDemo() {
    if (window.CCT_PHOTO_DEMO) return Promise.resolve(window.CCT_PHOTO_DEMO);
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "assets/photo-demo.js";
      script.onload = () => resolve(window.CCT_PHOTO_DEMO);
      script.onerror = () => reject(new Error(script.src));
      document.head.append(script);
    });
  }

  function dataUrlBlob(url) {
    const [head, body] = url.split(",");
    const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
    return new Blob([bytes], { type: head.slice(5).split(";")[0] });
  }

  function canvasBlob(canvas, type, quality) {
    return new Promise((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("canvas"))), type, quality),
    );
  }

  // The photo with the points, labels, cun ruler, orientation words and the framing text,
  // as tutorial.widgets.photo.draw_annotated draws it, on a canvas (PNG bytes).
  async function annotatedPng(bitmap, overlay, P, state) {
    const w = bitmap.width;
    const h0 = bitmap.height;
    const size = (Math.max(9, Math.min(w, h0) / 55) * 100) / 72; // Python's points at 100 dpi
    const footer = 90;
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h0 + footer;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(bitmap, 0, 0);
    const font = (px, bold) => `${bold ? "600 " : ""}${px}px "DejaVu Sans", Arial, sans-serif, "Tutorial CJK"`; // i18n: ignore
    const halo = (text, x, y) => {
      ctx.lineWidth = Math.max(3, size / 4);
      ctx.strokeStyle = "#ffffff";
      ctx.lineJoin = "round";
      ctx.strokeText(text, x, y);
      ctx.fillStyle = "#1d1d1d";
      ctx.fillText(text, x, y);
    };
    const cun = overlay.cun_px;
    const ticks = overlay.ruler;
    const first = ticks[0];
    const last = ticks[ticks.length - 1];
    const len = Math.hypot(last[1] - first[1], last[2] - first[2]) || 1;
    let nx = -(last[2] - first[2]) / len;
    let ny = (last[1] - first[1]) / len;
    const centre = overlay.points[0];
    if (centre && (centre.u - first[1]) * nx + (centre.v - first[2]) * ny < 0) {
      nx = -nx;
      ny = -ny;
    }
    ctx.lineCap = "round";
    for (const [colour, width] of [
      ["#ffffff", 5],
      ["#1d1d1d", 2],
    ]) {
      ctx.strokeStyle = colour;
      ctx.lineWidth = width;
      ctx.beginPath();
      ctx.moveTo(first[1], first[2]);
      ctx.lineTo(last[1], last[2]);
      for (const [n, u, v] of ticks) {
        const t = (n % 4 === 0 ? 0.45 : 0.25) * cun;
        ctx.moveTo(u, v);
        ctx.lineTo(u + nx * t, v + ny * t);
      }
      ctx.stroke();
    }
    ctx.font = font(size * 0.85, false);
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (const [n, u, v] of ticks) if (n % 4 === 0) halo(String(n), u - nx * 0.55 * cun, v - ny * 0.55 * cun);
    halo(P.text.ruler_label || "cun", first[1] - nx * 0.55 * cun, first[2] - ny * 0.55 * cun - 1.4 * size);
    ctx.font = font(size, true);
    ctx.textAlign = "left";
    let lastY = -Infinity;
    for (const point of [...overlay.points].sort((a, b) => a.v - b.v)) {
      const y = Math.max(point.v, lastY + size * 1.35);
      lastY = y;
      const x = point.u + 0.9 * cun;
      ctx.strokeStyle = "#1d1d1d";
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(point.u, point.v);
      ctx.lineTo(x - 0.1 * cun, y);
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(point.u, point.v, Math.max(5, size * 0.45), 0, 2 * Math.PI);
      ctx.fillStyle = point.colour;
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = "#ffffff";
      ctx.stroke();
      const p = P.points[point.code];
      halo(p ? `${p.label} ${p.hanzi}` : point.label, x, y);
    }
    const words = fill(state.orientation, { knee_at: overlay.knee_at });
    ctx.font = font(size * 1.1, true);
    ctx.textBaseline = "top";
    const box = ctx.measureText(words).width;
    ctx.fillStyle = "rgba(255,255,255,0.9)";
    ctx.fillRect(0.02 * w - 4, 6, box + 8, size * 1.1 + 8);
    ctx.fillStyle = "#1d1d1d";
    ctx.fillText(words, 0.02 * w, 10);
    // the framing text, wrapped into the footer
    const small = Math.max(10, size * 0.75);
    ctx.font = font(small, false);
    ctx.fillStyle = "#333333";
    let line = "";
    let y = h0 + 8;
    for (const word of P.text.framing.split(" ")) {
      const next = line ? `${line} ${word}` : word;
      if (ctx.measureText(next).width > w - 0.04 * w && line) {
        ctx.fillText(line, 0.02 * w, y);
        line = word;
        y += small * 1.3;
      } else {
        line = next;
      }
    }
    if (line) ctx.fillText(line, 0.02 * w, y);
    return new Uint8Array(await (await canvasBlob(canvas, "image/png")).arrayBuffer());
  }

  function mount(node, cfg, env) {
    const P = window.CCT_DATA.photo;
    const S = P.site;
    const T = P.text;
    const store = env.store;
    let view = cfg.view || "lateral";
    let side = cfg.side || "right";
    let bitmap = null; // the shrunk, upright photo (a canvas), for turning and the PNG
    let photoName = "";
    let model = null;
    let mod = null;
    let practising = false;
    let question = null;

    const root = h("div", { class: "cs-photo", "data-testid": "photo" });
    const title = h("p", { class: "cs-photo-title" }, T.title);
    const privacy = h("p", { class: "cs-photo-privacy", "data-testid": "photo-privacy" }, S.privacy);
    const how = h("p", { class: "small" }, `${T.how_to_take} ${S.formats}`);
    const fileId = nextId("photo-file");
    const input = h("input", {
      type: "file",
      id: fileId,
      class: "cs-file",
      accept: "image/jpeg,image/png,image/webp,image/heic,image/heif,.jpg,.jpeg,.png,.webp,.heic,.heif",
      "data-testid": "photo-file",
    });
    const loadLabel = h("label", { for: fileId, class: "cs-btn" }, S.load);
    const demo = h("button", { type: "button", class: "cs-btn", "data-testid": "photo-demo" }, S.demo);
    demo.addEventListener("click", () =>
      run(async () => {
        const pictures = await loadDemo();
        await loadFile(dataUrlBlob(pictures[`${view}/${side}`]), S.demo_name);
      }),
    );
    const loadRow = h("p", { class: "cs-photo-row" });
    loadRow.append(input, loadLabel, demo);

    function radios(legend, options, current, onChange) {
      const box = h("fieldset", { class: "cs-choice cs-toggle-group" });
      box.append(h("legend", {}, legend));
      const name = nextId("photo-choice");
      const inputs = {};
      for (const [value, label] of Object.entries(options)) {
        const id = nextId(name);
        const radio = h("input", { type: "radio", name, id, value });
        radio.checked = value === current;
        radio.addEventListener("change", () => radio.checked && onChange(value));
        const line = h("span", { class: "cs-radio" });
        line.append(radio, h("label", { for: id }, label));
        box.append(line);
        inputs[value] = radio;
      }
      return { box, set: (value) => (inputs[value].checked = true) };
    }
    const sides = radios(S.leg, S.sides, side, (value) => choose(view, value));
    const views = radios(S.view, S.views, view, (value) => choose(value, side));
    const choices = h("div", { class: "cs-photo-row" });
    choices.append(sides.box, views.box);
    const message = h("p", { class: "cs-photo-message", role: "status", "data-testid": "photo-message" });
    const host = h("div", { class: "cs-photo-host" });
    const button = (text, testid, onClick) => {
      const b = h("button", { type: "button", class: "cs-btn", "data-testid": testid }, text);
      b.addEventListener("click", () => run(onClick));
      return b;
    };
    const turnLeft = button(S.turn_left, "photo-turn-left", () => turn(-1));
    const turnRight = button(S.turn_right, "photo-turn-right", () => turn(1));
    const restart = button(S.restart, "photo-restart", () => setLandmarks({}));
    const swap = button(S.swap, "photo-swap", () => {
      const marks = { ...model.get("landmarks") };
      if (marks.knee && marks.ankle) setLandmarks({ ...marks, knee: marks.ankle, ankle: marks.knee });
    });
    const save = button(S.save, "photo-save", () => keep());
    const forget = button(S.forget, "photo-forget", () => forgetAll());
    const practise = button(S.practise, "photo-practise", () => togglePractice());
    const next = button(S.next, "photo-next", () => ask());
    next.hidden = true;
    const row1 = h("div", { class: "cs-photo-row" });
    row1.append(turnLeft, turnRight, restart, swap);
    const row2 = h("div", { class: "cs-photo-row" });
    row2.append(save, forget, practise, next);
    const prompt = h("p", { class: "cs-prompt", "data-testid": "photo-prompt", "aria-live": "polite" });
    const verdict = h("div", { class: "cs-verdict", "data-testid": "photo-verdict", role: "status" });
    const framing = h("p", { class: "small" }, T.framing);
    const notes = h("div", { class: "cs-photo-points", "data-testid": "photo-points" });
    root.append(title, privacy, how, loadRow, choices, message, prompt, host, row1, row2, verdict, framing, notes);
    node.append(root);

    function say(text, kind) {
      message.textContent = text || "";
      message.className = `cs-photo-message${kind ? ` cs-photo-message--${kind}` : ""}`;
    }
    async function run(action) {
      try {
        await action();
      } catch (err) {
        say(String((err && err.message) || err), "error");
        console.error(err);
      }
    }

    const stateOf = () => P.states[`${view}/${side}`];
    const size = () => model.get("image_size");
    const overlayNow = () => (bitmap ? mod.computeOverlay(stateOf().rules, model.get("landmarks"), size()) : { status: "empty", points: [] });

    function refresh() {
      const result = overlayNow();
      const ok = result.status === "ok";
      for (const b of [turnLeft, turnRight, restart, swap]) b.disabled = !bitmap || practising;
      save.disabled = !ok || practising;
      practise.disabled = !ok && !practising;
      practise.textContent = practising ? S.back : S.practise;
      root.dataset.status = result.status;
      notes.replaceChildren();
      if (!practising && (result.status === "ok" || result.status === "pending")) {
        for (const point of result.points) {
          const p = P.points[point.code];
          notes.append(h("p", { class: "strong" }, `${p.label} ${p.hanzi}`), h("p", { class: "small" }, p.how_to_find));
          if (p.note) notes.append(h("p", { class: "small muted" }, p.note)); // i18n: ignore
        }
      }
      if (ok && !practising) {
        const words = fill(stateOf().orientation, { knee_at: result.knee_at });
        model.set("alt", `${fill(S.alt, { width: size()[0], height: size()[1] })}: ${words}`);
      }
    }

    function setLandmarks(marks) {
      model.set("landmarks", marks);
      model.set("download_png", new Uint8Array(0));
      refresh();
    }

    function choose(newView, newSide) {
      if (!model) return;
      const changedView = newView !== view;
      view = newView;
      side = newSide;
      if (practising) togglePractice();
      const state = stateOf();
      for (const key of ["rules", "labels", "handles"]) model.set(key, state[key]);
      // each view asks for other landmarks (the knee spot differs): click them again
      setLandmarks(changedView ? {} : { ...model.get("landmarks") });
    }

    async function showBitmap(canvas, name, landmarks) {
      bitmap = canvas;
      photoName = name;
      const blob = await canvasBlob(canvas, "image/jpeg", P.jpeg_quality);
      const bytes = new Uint8Array(await blob.arrayBuffer());
      if (practising) togglePractice();
      model.set("landmarks", landmarks || {});
      model.set("image_size", [canvas.width, canvas.height]);
      model.set("alt", fill(S.alt, { width: canvas.width, height: canvas.height }));
      model.set("download_png", new Uint8Array(0));
      model.set("photo", bytes);
      root.dataset.size = `${canvas.width}x${canvas.height}`;
      refresh();
    }

    // decode (upright), shrink to the long-side limit on a canvas
    async function decodeAndShrink(blob, name, header) {
      let decoded;
      try {
        decoded = await createImageBitmap(blob, { imageOrientation: "from-image" });
      } catch {
        return [null, decodeFailed(name, header, P)];
      }
      const checked = checkDecoded(name, decoded.width, decoded.height, P);
      if (checked.key) {
        decoded.close();
        return [null, checked];
      }
      const canvas = document.createElement("canvas");
      [canvas.width, canvas.height] = checked.size;
      const ctx = canvas.getContext("2d");
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(decoded, 0, 0, canvas.width, canvas.height);
      decoded.close();
      return [canvas, null];
    }

    async function loadFile(file, name) {
      say(fill(S.reading, { name }));
      // the size is checked before a byte is read; the header before anything is decoded
      const sizeCheck = checkFile({ name, size: file.size, head: new Uint8Array(0) }, P);
      if (sizeCheck.key && sizeCheck.key !== "not_image") {
        say(sizeCheck.message, "error");
        return;
      }
      const head = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
      const checked = checkFile({ name, size: file.size, head }, P);
      if (checked.key) {
        say(checked.message, "error");
        return;
      }
      const [canvas, refused] = await decodeAndShrink(file, name, checked.header);
      if (refused) {
        say(refused.message, "error");
        return;
      }
      say("");
      await showBitmap(canvas, name, {});
    }

    function turn(direction) {
      if (!bitmap) return;
      const canvas = document.createElement("canvas");
      canvas.width = bitmap.height;
      canvas.height = bitmap.width;
      const ctx = canvas.getContext("2d");
      ctx.translate(canvas.width / 2, canvas.height / 2);
      ctx.rotate((direction * Math.PI) / 2);
      ctx.drawImage(bitmap, -bitmap.width / 2, -bitmap.height / 2);
      return showBitmap(canvas, photoName, {});
    }

    async function keep() {
      const result = overlayNow();
      if (result.status !== "ok") {
        say(T.save_needs_frame, "error");
        return;
      }
      const labels = model.get("labels") || {};
      result.points = result.points.map((p) => ({ ...p, label: labels[p.code].label, colour: labels[p.code].colour }));
      const png = await annotatedPng(bitmap, result, P, stateOf());
      model.set("download_name", `my-${side}-leg-${view}-points.png`); // i18n: ignore
      model.set("download_png", png);
      try {
        await keepRecord({
          format: RECORD_FORMAT,
          version: 1,
          view,
          side,
          name: photoName,
          size: size(),
          landmarks: model.get("landmarks"),
          photo: new Blob([model.get("photo")], { type: "image/jpeg" }),
        });
        say(S.saved, "ok");
      } catch (err) {
        say(fill(S.save_failed, { error: (err && err.message) || String(err) }), "error");
      }
    }

    async function forgetAll() {
      try {
        await forgetRecord();
      } catch {
        // nothing could be kept here either
      }
      if (practising) togglePractice();
      bitmap = null;
      input.value = "";
      model.set("landmarks", {});
      model.set("image_size", [0, 0]);
      model.set("download_png", new Uint8Array(0));
      model.set("photo", new Uint8Array(0));
      delete root.dataset.size;
      refresh();
      say(S.forgotten, "ok");
    }

    async function reopen() {
      let record;
      try {
        record = await readRecord();
      } catch {
        return; // no IndexedDB here: nothing can have been kept
      }
      if (!record || record.format !== RECORD_FORMAT || !P.states[`${record.view}/${record.side}`]) return;
      const decoded = await createImageBitmap(record.photo);
      const canvas = document.createElement("canvas");
      canvas.width = decoded.width;
      canvas.height = decoded.height;
      canvas.getContext("2d").drawImage(decoded, 0, 0);
      decoded.close();
      sides.set(record.side);
      views.set(record.view);
      choose(record.view, record.side);
      await showBitmap(canvas, record.name || "photo", record.landmarks || {});
      say(T.reopened, "ok");
    }

    // ---------------------------------------------------------- practice on the photo
    function togglePractice() {
      practising = !practising;
      question = null;
      verdict.replaceChildren();
      verdict.className = "cs-verdict";
      prompt.textContent = "";
      next.hidden = true;
      model.set("practice", {});
      model.set("mode", practising ? "practice" : "place");
      model.set("enabled", true);
      if (practising) ask();
      refresh();
    }

    function ask() {
      const codes = overlayNow().points.map((p) => p.code);
      const progress = R.replay(store.answers(), P.intervals);
      const code = R.pick(progress, codes, question ? question.code : null);
      const p = P.points[code];
      question = { code, answered: false };
      prompt.textContent = fill(T.practice_prompt, { label: p.label, hanzi: p.hanzi });
      verdict.replaceChildren();
      verdict.className = "cs-verdict";
      next.hidden = true;
      root.dataset.code = code;
      model.set("practice", { code });
      model.set("enabled", true);
    }

    function onClick() {
      const click = model.get("click");
      if (!practising || !question || question.answered || !click) return;
      question.answered = true;
      const { distance, true: truth } = scorePhotoClick(overlayNow(), question.code, click.u, click.v);
      const v = R.verdictFor(distance, { right_cun: P.right_cun, close_cun: P.close_cun });
      let kept = S.kept_answer;
      try {
        store.addAnswer({ kind: "locate", point: question.code, side, view, verdict: v, error_cun: distance });
      } catch (err) {
        kept = (err && err.message) || String(err);
      }
      const p = P.points[question.code];
      model.set("enabled", false);
      model.set("practice", { code: question.code, click: [click.u, click.v], true: truth });
      verdict.className = `cs-verdict cs-verdict-${v}`;
      verdict.dataset.verdict = v;
      verdict.replaceChildren(
        h("p", {}, fill(T.practice_result, { verdict: P.verdicts[v], distance: pyFixed(distance, 1), label: p.label })),
        h("p", { class: "small" }, p.how_to_find),
        h("p", { class: "small muted" }, kept), // i18n: ignore
      );
      next.hidden = false;
    }

    async function start() {
      mod = await loadPhotoModule();
      const state = stateOf();
      model = mod.createLocalModel({
        ...state,
        standalone: true, // photo.js says what to click next and why a click is refused
        photo: new Uint8Array(0),
        image_size: [0, 0],
        alt: "",
        click: {},
        download_png: new Uint8Array(0),
        download_name: "my-leg-points.png",
        download_text: S.download,
      });
      model.on("change:landmarks", refresh);
      model.on("change:click", onClick);
      mod.default.render({ model, el: host });
      input.addEventListener("change", () => {
        const file = input.files && input.files[0];
        input.value = ""; // the same file can be chosen again; the page keeps no File
        if (file) run(() => loadFile(file, file.name || "photo"));
      });
      refresh();
      await run(reopen);
      node.dataset.ready = "true";
    }
    return start();
  }

  return { pyFixed, downscaledSize, imageHeader, checkFile, decodeFailed, checkDecoded, scorePhotoClick, mount };
});
