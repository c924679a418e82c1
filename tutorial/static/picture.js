// A picture from PNG or SVG bytes with a text alternative (ipywidgets.Image has no alt).
// Shown at its own pixel size unless the kernel gives a width; never wider than its box.
function render({ model, el }) {
  const img = document.createElement("img");
  img.className = "calf-picture";
  img.style.maxWidth = "100%";
  img.style.height = "auto";
  el.append(img);
  let url = null;
  function update() {
    if (url) URL.revokeObjectURL(url);
    url = null;
    const data = model.get("value");
    const view = data instanceof DataView ? data : new DataView(data.buffer ?? data);
    if (view.byteLength) {
      url = URL.createObjectURL(new Blob([view], { type: model.get("mime") }));
      img.src = url;
    } else {
      img.removeAttribute("src");
    }
    img.alt = model.get("alt");
    const width = model.get("width");
    img.style.width = width ? `${width}px` : "";
  }
  model.on("change:value", update);
  model.on("change:alt", update);
  model.on("change:width", update);
  model.on("change:mime", update);
  update();
  return () => {
    if (url) URL.revokeObjectURL(url);
  };
}

export default { render };
