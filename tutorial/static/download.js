// A download button whose file comes from the kernel as bytes and is saved by the browser
// from a Blob URL: no server path, no file route, works the same in JupyterLab and Voila.
// Without bytes yet (a file made on request, like the handout), a click asks the kernel to
// make it ("prepare"); when the bytes arrive the download starts and a link stays for
// saving it again.
import { makeTranslator } from "./i18n.js";

export function sizeText(bytes, tr) {
  const { t, tn, number } = tr;
  if (bytes >= 1024 * 1024) return t("{size} MB", { size: number(bytes / 1024 / 1024, 1) });
  if (bytes >= 1024) return t("{size} kB", { size: Math.round(bytes / 1024) });
  return tn("{n} byte", "{n} bytes", bytes);
}

function render({ model, el }) {
  const tr = makeTranslator(model.get("i18n"));
  const { t } = tr;
  const root = document.createElement("div");
  root.className = "calf-download";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "calf-download-button";
  const link = document.createElement("a");
  link.className = "calf-download-link";
  const status = document.createElement("span");
  status.className = "calf-download-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  root.append(button, link, status);
  el.append(root);

  let url = null;
  let wanted = false; // the learner asked; start the download when the bytes arrive

  function bytes() {
    const data = model.get("data");
    if (!data) return null;
    const view = data instanceof DataView ? data : new DataView(data.buffer ?? data);
    return view.byteLength ? view : null;
  }

  function update() {
    const data = bytes();
    const busy = model.get("status") === "building";
    button.textContent = busy ? model.get("busy_label") : model.get("label");
    button.disabled = busy;
    button.setAttribute("aria-busy", busy ? "true" : "false");
    status.textContent = model.get("message");
    if (url) URL.revokeObjectURL(url);
    url = null;
    link.hidden = !data;
    if (data) {
      const blob = new Blob([data], { type: model.get("mime") });
      url = URL.createObjectURL(blob);
      link.href = url;
      link.download = model.get("filename");
      link.textContent = t("Save {file} again ({size})", { file: model.get("filename"), size: sizeText(blob.size, tr) });
    }
    if (model.get("status") === "error") wanted = false;
    if (wanted && data && model.get("status") === "ready") {
      wanted = false;
      link.click();
    }
  }

  button.addEventListener("click", () => {
    if (bytes() && !model.get("rebuild")) {
      link.click();
      return;
    }
    wanted = true;
    model.send({ event: "prepare" });
  });
  model.on("change:data", update);
  model.on("change:status", update);
  model.on("change:message", update);
  model.on("change:label", update);
  model.on("change:filename", update);
  update();
  return () => {
    if (url) URL.revokeObjectURL(url);
  };
}

export default { render };
