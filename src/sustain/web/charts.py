"""What every chart shares: Vega-Lite specs are built in each app's `charts.py` (never in
selectors, which read data) and drawn by `web/_charts.html` with the vendored library."""

from __future__ import annotations

# The vendored Vega-Lite (web/static/web/vendor/vega-lite.min.js) is 6.4.
VEGA_LITE = "https://vega.github.io/schema/vega-lite/v6.json"
