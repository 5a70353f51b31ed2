// Renders every chart placeholder from the JSON in <script id="ID"> (written by Django's
// json_script): <div class="chart" data-spec-id="ID"> (or data-vega-spec="ID").
// Runs on load and after HTMX swaps.
//
// The Content-Security-Policy has no 'unsafe-eval': Vega's expressions are evaluated by
// vega-interpreter (ast + expr) instead of compiled with new Function, and vega-embed
// and vega-tooltip inject no <style> (their few rules are in sustain.css).
(function () {
  var SELECTOR = "[data-spec-id], [data-vega-spec]";

  function options() {
    return {
      actions: false,
      renderer: "svg",
      ast: true,
      expr: vega.expressionInterpreter,
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true },
    };
  }

  function render(root) {
    if (typeof vegaEmbed === "undefined" || !vega.expressionInterpreter) return;
    var found = Array.prototype.slice.call(root.querySelectorAll(SELECTOR));
    if (root.matches && root.matches(SELECTOR)) found.push(root);
    found.forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.specId || el.dataset.vegaSpec);
      if (!source) return;
      el.dataset.rendered = "1";
      vegaEmbed(el, JSON.parse(source.textContent), options())
        .catch(function (err) { el.textContent = "Chart could not be drawn: " + err; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { render(evt.target); });
})();
