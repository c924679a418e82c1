// PlainText front end (anywidget): the value goes into the page with textContent only.
// ipywidgets' Label typesets its value as TeX in JupyterLab ("$\rule{...}$" becomes a
// box), and HTML widgets run markup; text from files and people must show exactly as typed.

function render({ model, el }) {
  el.classList.add("widget-label", "calf-plain-text", "tex2jax_ignore", "mathjax_ignore");
  const show = () => {
    el.textContent = model.get("value");
  };
  show();
  model.on("change:value", show);
  return () => model.off("change:value", show);
}

export default { render };
