// Click-to-answer picture of the find-the-point quiz (tutorial.widgets.quiz.ClickImage).
//
// Shows the PNG sent by the kernel and reports a click as fractions of the displayed
// image box (0,0 top left; 1,1 bottom right). The kernel maps the fractions to figure
// pixels and then to diagram coordinates, so the mapping holds at any widget width,
// figure size or browser zoom.

function render({ model, el }) {
  el.classList.add("calf-quiz-image");
  const img = document.createElement("img");
  img.className = "calf-quiz-image__img";
  img.draggable = false;
  el.appendChild(img);
  let url = null;

  function showPicture() {
    const data = model.get("png");
    const bytes = data && data.byteLength !== undefined ? data : new Uint8Array(0);
    if (url) URL.revokeObjectURL(url);
    url = URL.createObjectURL(new Blob([bytes], { type: "image/png" }));
    img.src = url;
    img.alt = model.get("alt");
    img.title = model.get("enabled") ? model.get("alt") : "";
  }

  function showEnabled() {
    el.classList.toggle("calf-quiz-image--enabled", model.get("enabled"));
    img.title = model.get("enabled") ? model.get("alt") : "";
  }

  function onClick(event) {
    if (!model.get("enabled")) return;
    const box = img.getBoundingClientRect();
    if (box.width <= 0 || box.height <= 0) return;
    const fx = (event.clientX - box.left) / box.width;
    const fy = (event.clientY - box.top) / box.height;
    if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1)) return;
    // n makes two clicks on the same spot two changes
    model.set("click", { fx, fy, n: Date.now() + Math.random() });
    model.save_changes();
  }

  img.addEventListener("click", onClick);
  model.on("change:png", showPicture);
  model.on("change:alt", showPicture);
  model.on("change:enabled", showEnabled);
  showPicture();
  showEnabled();
  return () => {
    img.removeEventListener("click", onClick);
    model.off("change:png", showPicture);
    model.off("change:alt", showPicture);
    model.off("change:enabled", showEnabled);
    if (url) URL.revokeObjectURL(url);
  };
}

export default { render };
