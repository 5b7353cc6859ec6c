// Draw the page's charts (figures rendered by the server as JSON) with Plotly's bundled JS.
(function () {
  var data = document.getElementById("chart-data");
  if (!data || !window.Plotly) return;
  JSON.parse(data.textContent).forEach(function (c) {
    Plotly.newPlot(c.id, c.data, c.layout, {responsive: true, displaylogo: false});
  });
})();
