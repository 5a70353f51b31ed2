// Renders every <div class="chart" data-spec-id="ID"> from the JSON in <script id="ID">
// (written by Django's json_script). Runs on load and after HTMX swaps.
(function () {
  function render(root) {
    if (typeof vegaEmbed === "undefined") return;
    root.querySelectorAll("div.chart[data-spec-id]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.specId);
      if (!source) return;
      el.dataset.rendered = "1";
      vegaEmbed(el, JSON.parse(source.textContent), { actions: false, renderer: "svg" })
        .catch(function (err) { el.textContent = "Chart could not be drawn: " + err; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { render(evt.target); });
})();
