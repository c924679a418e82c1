// The static site's photo overlay (tutorial/site/static/photo-site.js) against the shared
// cases in tests/cases/photo_site.json, every expected output computed by the package's
// Python code (scripts/make_site_cases.py): what read_photo makes of each file (refused
// with which message, or the size it is shrunk to), downscaled_size, score_photo_click.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const require = createRequire(import.meta.url);
const R = require(path.join(root, "tutorial", "site", "static", "rules.js"));
const Photo = require(path.join(root, "tutorial", "site", "static", "photo-site.js"));
const fit = await import(pathToFileURL(path.join(root, "tutorial", "static", "photo.js")).href);
const cases = JSON.parse(readFileSync(path.join(root, "tests", "cases", "photo_site.json"), "utf8"));
const data = cases.settings;

test("the downscale size is Python's (Pillow's thumbnail rule) for every case", () => {
  assert.ok(cases.downscale.length >= 10);
  for (const c of cases.downscale) {
    const got = Photo.downscaledSize(c.size[0], c.size[1], data.limits.max_side_px);
    assert.deepEqual(got, c.expected, `size ${c.size}`);
  }
});

// What the page does with a file, in its order: check the size and the header, decode
// (here: a decoder that succeeds with the size the header states, or fails), check the
// shrunk size. The outcome must be read_photo's: the same refusal and message, or the same
// shrunk size.
function outcome(c) {
  const head = Uint8Array.from(Buffer.from(c.head, "base64"));
  const checked = Photo.checkFile({ name: c.name, size: c.size, head }, data);
  if (checked.key) return checked;
  if (!c.decodes) return Photo.decodeFailed(c.name, checked.header, data);
  assert.ok(checked.header.width > 0 && checked.header.height > 0, `${c.what}: size in the header`);
  const decoded = Photo.checkDecoded(c.name, checked.header.width, checked.header.height, data);
  return decoded.key ? decoded : { key: "ok", size: decoded.size };
}

test("every file is refused or shrunk as read_photo does, with photo.toml's messages", () => {
  const keys = new Set();
  for (const c of cases.files) {
    const got = outcome(c);
    keys.add(got.key);
    assert.equal(got.key, c.expected.key, c.what);
    if (c.expected.key === "ok") assert.deepEqual(got.size, c.expected.size, c.what);
    else assert.equal(got.message, c.expected.message, c.what);
  }
  for (const key of ["ok", "empty", "too_big", "not_image", "heic", "truncated", "bomb", "too_small"]) {
    assert.ok(keys.has(key), `a case for ${key}`);
  }
});

test("the header states each format's size", () => {
  for (const c of cases.files.filter((x) => x.expected.key === "ok")) {
    const header = Photo.imageHeader(Uint8Array.from(Buffer.from(c.head, "base64")), data.heif_brands);
    assert.ok(header, c.what);
    const shrunk = Photo.downscaledSize(header.width, header.height, data.limits.max_side_px);
    assert.deepEqual(shrunk, c.expected.size, c.what);
  }
});

test("Python's rounding for the numbers in messages: exact ties go to the even digit", () => {
  assert.equal(Photo.pyFixed(64.5, 0), "64");
  assert.equal(Photo.pyFixed(65.5, 0), "66");
  assert.equal(Photo.pyFixed(0.25, 1), "0.2");
  assert.equal(Photo.pyFixed(20.000001, 1), "20.0");
  assert.equal(Photo.pyFixed(1.26, 1), "1.3");
});

test("a click on the photo is scored in cun of that leg as score_photo_click does", () => {
  assert.ok(cases.scores.length >= 20);
  const verdicts = new Set();
  for (const c of cases.scores) {
    const overlay = fit.computeOverlay(cases.rules[c.rules], c.landmarks, c.size);
    assert.equal(overlay.status, "ok");
    const got = Photo.scorePhotoClick(overlay, c.code, c.click[0], c.click[1]);
    assert.ok(Math.abs(got.distance - c.distance) < 1e-6, `${c.rules} ${c.code}: ${got.distance} != ${c.distance}`);
    assert.ok(Math.hypot(got.true[0] - c.true[0], got.true[1] - c.true[1]) < 1e-6, `${c.rules} ${c.code}`);
    verdicts.add(R.verdictFor(got.distance, { right_cun: 0.5, close_cun: 0.75 }));
  }
  assert.ok(verdicts.has("right") && verdicts.has("missed"));
  assert.throws(() => Photo.scorePhotoClick({ points: [], cun_px: 10 }, "ST36", 0, 0), RangeError);
});
