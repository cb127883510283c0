// The UI's browser code, served as /assets/ui.js: draws the charts (the same script as
// report.html) and refreshes each `[data-live]` part of a page every two seconds while visible.
import { CHART_INIT_SOURCE } from '../report/chart-library.js';

const LIVE_SOURCE = `
(function () {
  var status = document.getElementById('live');
  function tick() {
    var parts = document.querySelectorAll('[data-live]');
    if (!parts.length || document.hidden) return;
    Array.prototype.forEach.call(parts, function (el) {
      fetch(el.getAttribute('data-live'), { cache: 'no-store', headers: { 'x-fragment': '1' } })
        .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.text(); })
        .then(function (text) {
          if (text !== el._last) {
            if (window.selfEvolveCharts) window.selfEvolveCharts.destroy(el);
            el.innerHTML = text;
            el._last = text;
            if (window.selfEvolveCharts && window.Chart) window.selfEvolveCharts(el);
          }
          if (status) { status.hidden = false; status.className = 'live'; status.textContent = 'live · ' + new Date().toLocaleTimeString(); }
        })
        .catch(function (e) {
          if (status) { status.hidden = false; status.className = 'live lost'; status.textContent = 'cannot reach the UI server (' + e.message + '); retrying'; }
        });
    });
  }
  setInterval(tick, 2000);
})();
`;

/** The whole /assets/ui.js. */
export const UI_SCRIPT = `${CHART_INIT_SOURCE}\n${LIVE_SOURCE}`;
