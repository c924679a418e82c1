// The widgets' translator (tutorial/static/i18n.js) and the timer's choice of a voice
// (chooseVoice in tutorial/static/timer.js), run with `node --test`.
import assert from "node:assert/strict";
import { test } from "node:test";

const here = new URL(".", import.meta.url);
const { makeTranslator, pluralIndex } = await import(new URL("../../tutorial/static/i18n.js", here));
const { chooseVoice, planSegments } = await import(new URL("../../tutorial/static/timer.js", here));

// A catalog as tutorial.content.i18n.js_catalog("js", "zh-Hans") gives it.
const ZH = {
  lang: "zh-Hans",
  messages: { Start: "开始", "Step {number} / {count}": "第 {number} / {count} 步", "Switch legs": "换腿" },
  plurals: { "{n} answer kept.": ["已保存 {n} 条答案。"] },
};
// A language with more forms, to check the form index: Polish as Babel writes its .po
// (Plural-Forms: nplurals=3; one, few, many).
const PL = {
  lang: "pl",
  messages: {},
  plurals: { "{n} file": ["{n} plik", "{n} pliki", "{n} plików"] },
};

test("t translates with the catalog and fills in named placeholders", () => {
  const { t } = makeTranslator(ZH);
  assert.equal(t("Start"), "开始");
  assert.equal(t("Step {number} / {count}", { number: 2, count: 6 }), "第 2 / 6 步");
  assert.equal(t("Not in the catalog {x}", { x: "甲" }), "Not in the catalog 甲"); // source text
  assert.equal(t("{kept} {unknown}", { kept: 1 }), "1 {unknown}");
});

test("English has empty tables: the source text, with English plurals", () => {
  const { t, tn, lang } = makeTranslator({ lang: "en", messages: {}, plurals: {} });
  assert.equal(lang, "en");
  assert.equal(t("Start"), "Start");
  assert.equal(tn("{n} answer kept.", "{n} answers kept.", 1), "1 answer kept.");
  assert.equal(tn("{n} answer kept.", "{n} answers kept.", 0), "0 answers kept.");
  assert.equal(tn("{n} answer kept.", "{n} answers kept.", 1234), "1,234 answers kept.");
  assert.equal(makeTranslator(undefined).t("Start"), "Start"); // no catalog at all
});

test("tn picks Chinese's one form for every count, numbers in the language's format", () => {
  const { tn, number } = makeTranslator(ZH);
  for (const n of [0, 1, 2, 5, 21]) assert.equal(tn("{n} answer kept.", "{n} answers kept.", n), `已保存 ${n} 条答案。`);
  assert.equal(tn("{n} answer kept.", "{n} answers kept.", 12345), "已保存 12,345 条答案。");
  assert.equal(number(2.5, 2), "2.50");
});

test("plural forms are indexed by the CLDR categories in gettext (Babel) order", () => {
  assert.equal(pluralIndex("zh-Hans", 1), 0);
  assert.equal(pluralIndex("zh-Hans", 7), 0);
  assert.equal(pluralIndex("en", 1), 0);
  assert.equal(pluralIndex("en", 2), 1);
  // Polish: one, few, many (Babel's Plural-Forms order for pl; CLDR's "other", for
  // fractions, is past Babel's last form and takes it, as Babel's own rule does)
  const { tn } = makeTranslator(PL);
  assert.equal(tn("{n} file", "{n} files", 1), "1 plik");
  assert.equal(tn("{n} file", "{n} files", 3), "3 pliki");
  assert.equal(tn("{n} file", "{n} files", 5), "5 plików");
  assert.equal(tn("{n} file", "{n} files", 22), "22 pliki");
  assert.equal(tn("{n} file", "{n} files", 12), "12 plików");
  assert.equal(tn("{n} file", "{n} files", 1.5), "1,5 plików");
  assert.equal(pluralIndex("xx-not-a-language!", 1), 0); // a bad tag falls back to English rules
});

test("the timer's own words (a switch segment) come from the catalog", () => {
  const { t } = makeTranslator(ZH);
  const plan = { segments: [{ step: -1, kind: "switch", leg: "left", planned_ms: 1000, cues: [] }] };
  assert.equal(planSegments(plan, [], {}, t)[0].title, "换腿");
  assert.equal(planSegments(plan, [], {})[0].title, "Switch legs");
});

const voice = (name, lang, extra = {}) => ({ name, lang, localService: false, default: false, ...extra });

test("a Chinese timer speaks with a Mandarin voice in simplified script when there is one", () => {
  const voices = [
    voice("Samantha", "en-US", { default: true, localService: true }),
    voice("Sin-ji", "zh-HK"),
    voice("Mei-Jia", "zh-TW"),
    voice("Tingting", "zh-CN"),
  ];
  assert.deepEqual(chooseVoice(voices, "zh-Hans"), { voice: voices[3], speak: true });
  // Android and some Linux voices say zh_CN or cmn-Hans-CN
  const other = [voice("x", "en_GB"), voice("y", "cmn-Hans-CN")];
  assert.equal(chooseVoice(other, "zh-Hans").voice, other[1]);
  const under = [voice("z", "zh_CN")];
  assert.equal(chooseVoice(under, "zh-Hans").voice, under[0]);
  // a local voice before a network one, among equals
  const two = [voice("net", "zh-CN"), voice("local", "zh-CN", { localService: true })];
  assert.equal(chooseVoice(two, "zh-Hans").voice, two[1]);
});

test("Taiwanese Mandarin, then Cantonese, when no zh-CN voice exists", () => {
  const voices = [voice("Sin-ji", "zh-HK"), voice("Mei-Jia", "zh-TW")];
  assert.equal(chooseVoice(voices, "zh-Hans").voice.name, "Mei-Jia");
  assert.equal(chooseVoice([voice("Sin-ji", "zh-HK")], "zh-Hans").voice.name, "Sin-ji");
});

test("no Chinese voice: the Chinese timer does not speak (tones only)", () => {
  const voices = [voice("Samantha", "en-US", { default: true }), voice("Anna", "de-DE")];
  assert.deepEqual(chooseVoice(voices, "zh-Hans"), { voice: null, speak: false });
  assert.deepEqual(chooseVoice([], "zh-Hans"), { voice: null, speak: false });
});

test("English speaks with an English voice, or the browser's default when none is listed", () => {
  const voices = [voice("Tingting", "zh-CN", { default: true }), voice("Daniel", "en-GB")];
  assert.deepEqual(chooseVoice(voices, "en"), { voice: voices[1], speak: true });
  assert.deepEqual(chooseVoice([], "en"), { voice: null, speak: true });
});
