// A labelled range input (a native <input type="range"> with a <label> and a readout):
// keyboard and screen readers know it as "<label> slider, 45 seconds". The value is sent
// to the kernel when the learner lets go (like ipywidgets' continuous_update=False).
// The number is written in the course's language (Intl.NumberFormat), the unit comes from Python.
import { makeTranslator } from "./i18n.js";

let counter = 0;

function render({ model, el }) {
  const id = `calf-range-${++counter}`;
  const { t } = makeTranslator(model.get("i18n"));
  const row = document.createElement("div");
  row.className = "calf-range";
  const input = document.createElement("input");
  input.type = "range";
  input.id = id;
  const label = document.createElement("label");
  label.htmlFor = id;
  const readout = document.createElement("output");
  readout.htmlFor = id;
  row.append(input, readout, label);
  el.append(row);

  function unit(value) {
    return t("{value} {unit}", { value: Number(value), unit: model.get("unit") });
  }
  function update() {
    input.min = model.get("min");
    input.max = model.get("max");
    input.step = model.get("step");
    input.value = model.get("value");
    label.textContent = model.get("label");
    readout.textContent = unit(model.get("value"));
    input.setAttribute("aria-valuetext", unit(model.get("value")));
  }
  input.addEventListener("input", () => {
    readout.textContent = unit(input.value);
    input.setAttribute("aria-valuetext", unit(input.value));
  });
  input.addEventListener("change", () => {
    model.set("value", Number(input.value));
    model.save_changes();
  });
  for (const name of ["value", "min", "max", "step", "label", "unit"]) {
    model.on(`change:${name}`, update);
  }
  update();
}

export default { render };
