// Small glue for htmx: show a notice (text rendered by the template, translated) when the server
// refuses a partial request (403/404/5xx) or cannot be reached.
document.addEventListener("htmx:responseError", (event) => {
  const box = document.getElementById("messages");
  if (!box) return;
  const status = event.detail.xhr ? event.detail.xhr.status : 0;
  const text = `${box.dataset.errorText || "Error"}${status ? ` (${status})` : ""}`;
  const alert = document.createElement("div");
  alert.className = "alert alert-danger alert-dismissible py-2 mb-2";
  alert.setAttribute("role", "alert");
  alert.textContent = text;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "btn-close py-2";
  close.setAttribute("data-bs-dismiss", "alert");
  close.setAttribute("aria-label", box.dataset.closeText || "Close");
  alert.appendChild(close);
  box.appendChild(alert);
});
document.addEventListener("htmx:sendError", () => {
  document.dispatchEvent(new CustomEvent("htmx:responseError", { detail: {} }));
});

// Filter forms: leave empty fields out of the query string (cleaner, shareable URLs).
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get") return;
  const params = event.detail.parameters;
  for (const key of Object.keys(params)) {
    if (params[key] === "") delete params[key];
  }
});

// Filter selects marked data-filter-reload (e.g. the posting on the applications list, whose stages
// fill the stage select) reload the whole page instead of the results; data-clears names fields to
// empty first. Runs in the capture phase so the form's htmx trigger never sees the change.
document.addEventListener("change", (event) => {
  const select = event.target.closest && event.target.closest("[data-filter-reload]");
  if (!select || !select.form) return;
  event.stopPropagation();
  const form = select.form;
  for (const name of (select.dataset.clears || "").split(/\s+/).filter(Boolean)) {
    const field = form.elements.namedItem(name);
    if (field) field.value = "";
  }
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form)) {
    if (value !== "") params.append(key, value);
  }
  const query = params.toString();
  window.location.assign(form.getAttribute("action") + (query ? `?${query}` : ""));
}, true);

// Recruitment board: drag a card onto another column to move it. Posts the same request as the
// card's stage buttons (application_move, htmx, target #board), so the server decides.
(() => {
  let dragged = null;
  const column = (el) => el && el.closest && el.closest("[data-drop-stage]");
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".app-board-card[data-move-url]");
    if (!card) return;
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });
  document.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    document.querySelectorAll(".app-board-col.is-drop-target").forEach((el) => el.classList.remove("is-drop-target"));
  });
  document.addEventListener("dragover", (event) => {
    const col = column(event.target);
    if (!dragged || !col || col.contains(dragged)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".app-board-col.is-drop-target").forEach((el) => { if (el !== col) el.classList.remove("is-drop-target"); });
    col.classList.add("is-drop-target");
  });
  document.addEventListener("drop", (event) => {
    const col = column(event.target);
    if (!dragged || !col || col.contains(dragged) || !window.htmx) return;
    event.preventDefault();
    const card = dragged;
    col.classList.remove("is-drop-target");
    window.htmx.ajax("POST", card.dataset.moveUrl, {
      source: card, target: "#board", swap: "outerHTML", values: { stage: col.dataset.stageId },
    });
  });
})();

// Buttons with data-confirm ask before their form is submitted (close a posting, remove a stage…).
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const text = button && button.dataset ? button.dataset.confirm : "";
  if (text && !window.confirm(text)) event.preventDefault();
}, true);

// Plain GET filter forms marked data-autosubmit submit themselves when a choice changes.
document.addEventListener("change", (event) => {
  const form = event.target.closest && event.target.closest("form[data-autosubmit]");
  if (form) form.requestSubmit();
});

// Django formsets: a button data-formset-add="<prefix>" clones the <template data-formset-template>
// of its fieldset (the formset's empty_form) and bumps <prefix>-TOTAL_FORMS, up to MAX_NUM_FORMS.
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("[data-formset-add]");
  if (!button) return;
  const prefix = button.dataset.formsetAdd;
  const box = button.closest("[data-formset]");
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const max = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
  const template = box && box.querySelector("template[data-formset-template]");
  const lines = box && box.querySelector("[data-formset-lines]");
  if (!total || !template || !lines) return;
  const index = parseInt(total.value, 10) || 0;
  if (max && index >= parseInt(max.value, 10)) { button.disabled = true; return; }
  lines.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
  total.value = String(index + 1);
  const first = lines.lastElementChild && lines.lastElementChild.querySelector("input, select");
  if (first) first.focus();
  if (max && index + 1 >= parseInt(max.value, 10)) button.disabled = true;
});

// Screening-rule form: show only the parameter fields of the chosen rule kind.
function showRuleParameters(form) {
  const kind = form.querySelector("select[name=kind]");
  if (!kind) return;
  form.querySelectorAll("[data-rule-param]").forEach((el) => { el.hidden = el.dataset.ruleParam !== kind.value; });
}
document.addEventListener("DOMContentLoaded", () => document.querySelectorAll("form[data-rule-form]").forEach(showRuleParameters));
document.addEventListener("change", (event) => {
  if (event.target.name === "kind") {
    const form = event.target.closest("form[data-rule-form]");
    if (form) showRuleParameters(form);
  }
});

// Copy buttons (e.g. a new hire's first-login link): data-copy-target names the input to copy;
// the button shows data-copied-text for a moment. Read-only inputs with data-select-on-focus
// select their text when focused, so copying by hand works without JS too.
document.addEventListener("click", async (event) => {
  const button = event.target.closest && event.target.closest("[data-copy-target]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copyTarget);
  if (!field) return;
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
  } catch (error) {
    document.execCommand("copy");  // older browsers / plain-http intranet hosts
  }
  const label = button.textContent;
  button.textContent = button.dataset.copiedText || label;
  setTimeout(() => { button.textContent = label; }, 1500);
});
document.addEventListener("focusin", (event) => {
  if (event.target.matches && event.target.matches("input[data-select-on-focus]")) event.target.select();
});

// A form re-rendered with errors (data-focus-invalid) puts the cursor in its first invalid field, so
// a long page (the careers application) opens where the candidate has to act; a page-level refusal
// (data-scroll-here) is scrolled into view.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-focus-invalid]");
  const invalid = form && form.querySelector(".is-invalid");
  if (invalid) {
    invalid.focus({ preventScroll: true });
    invalid.scrollIntoView({ block: "center" });
    return;
  }
  const notice = document.querySelector("[data-scroll-here]");
  if (notice) notice.scrollIntoView({ block: "center" });
});
