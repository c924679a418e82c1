// The widgets' own words in the course's language: one small translator shared by every
// front end (tutorial/widgets/frontend.py inlines this file where a widget's code imports it;
// the static site loads it as a classic script). The catalog comes from Python,
// tutorial.content.i18n.js_catalog("js"): {lang, messages, plurals}, English source text as
// the keys; English has empty tables.
//
//   const { t, tn } = makeTranslator(catalog);
//   t("Step {number} of {total}", { number: 2, total: 6 });
//   tn("{n} step", "{n} steps", n); // {n} is filled in, as a number of the language
//
// Plural forms are chosen with Intl.PluralRules(lang), the same CLDR rules Babel uses for
// the .po files; a form's index is the rank of its category among the language's
// categories in CLDR order (zero, one, two, few, many, other), as Babel writes Plural-Forms.
// Numbers in placeholders are written with Intl.NumberFormat(lang).

const PLURAL_ORDER = ["zero", "one", "two", "few", "many", "other"];

function pluralRules(lang) {
  try {
    return new Intl.PluralRules(lang);
  } catch {
    return new Intl.PluralRules("en");
  }
}

export function pluralIndex(lang, n) {
  // Which of the language's plural forms a count of n takes (0-based, gettext order).
  const rules = pluralRules(lang);
  const categories = rules.resolvedOptions().pluralCategories.slice();
  categories.sort((a, b) => PLURAL_ORDER.indexOf(a) - PLURAL_ORDER.indexOf(b));
  const index = categories.indexOf(rules.select(n));
  return index < 0 ? categories.length - 1 : index;
}

export function fillIn(text, values, number) {
  // "{name}" -> values.name (numbers in the language's format); unknown names stay as written.
  if (!values) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!Object.prototype.hasOwnProperty.call(values, name)) return whole;
    const value = values[name];
    return typeof value === "number" ? number(value) : String(value);
  });
}

export function makeTranslator(catalog) {
  const lang = (catalog && catalog.lang) || "en";
  const messages = (catalog && catalog.messages) || {};
  const plurals = (catalog && catalog.plurals) || {};
  let numbers;
  try {
    numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  } catch {
    numbers = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });
  }
  const number = (value, digits) =>
    digits === undefined
      ? numbers.format(value)
      : new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
  const t = (msgid, values) => fillIn(Object.prototype.hasOwnProperty.call(messages, msgid) ? messages[msgid] : msgid, values, number);
  const tn = (singular, plural, n, values) => {
    const forms = Object.prototype.hasOwnProperty.call(plurals, singular) ? plurals[singular] : null;
    let text;
    if (forms && forms.length) text = forms[Math.min(pluralIndex(lang, n), forms.length - 1)];
    else text = pluralIndex("en", n) === 0 ? singular : plural;
    return fillIn(text, { n, ...(values || {}) }, number);
  };
  return { lang, t, tn, number };
}
