// Progress fragments poll by re-rendering themselves with hx-trigger="load delay:1s", so a
// failed answer ends the polling. Say so beside the progress instead of freezing silently.
(function () {
  function stopped(event) {
    var el = event.detail.elt;
    if (!el || !el.hasAttribute || !el.hasAttribute("data-poll") || el.querySelector(".poll-lost")) return;
    var note = document.createElement("p");
    note.className = "error poll-lost";
    note.textContent = "Lost contact with the server; progress is no longer updated. Reload the page to see where the job stands.";
    el.appendChild(note);
  }
  document.addEventListener("htmx:responseError", stopped);
  document.addEventListener("htmx:sendError", stopped);
})();
