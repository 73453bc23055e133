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
