// Draw every element with a data-chart attribute (a plotly.js figure as JSON), also after
// HTMX swaps in new content.
(function () {
  function draw(root) {
    root.querySelectorAll("[data-chart]").forEach(function (element) {
      if (element.dataset.drawn) return;
      var spec = JSON.parse(element.dataset.chart);
      Plotly.newPlot(element, spec.data, spec.layout, {displaylogo: false, responsive: true});
      element.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
