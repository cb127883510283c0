// The charting library, Chart.js, read from node_modules (pinned in package.json) so that pages
// serve it and report.html inlines it: no CDN, no network. Plus the few lines that draw every
// `<canvas data-chart="...">` of a page with it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SelfEvolveError } from '../spec/errors.js';

/** The Chart.js version these charts were written and checked against. */
export const CHART_JS_VERSION = '4.6.1';

let cached: string | undefined;

/** Chart.js's UMD bundle (defines `window.Chart`), without its source-map comment. */
export function chartLibrarySource(): string {
  if (cached !== undefined) return cached;
  // The package's `exports` do not list the UMD file: find it beside the CommonJS entry.
  const entry = createRequire(import.meta.url).resolve('chart.js');
  const file = join(dirname(entry), 'chart.umd.min.js');
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SelfEvolveError('chart_library', `cannot read Chart.js at ${file}`, {
      cause: error,
      hint: 'reinstall self-evolve (npm ci): chart.js is one of its dependencies',
    });
  }
  const version = /Chart\.js v(\d+\.\d+\.\d+)/.exec(source)?.[1];
  if (version !== CHART_JS_VERSION) {
    throw new SelfEvolveError(
      'chart_library',
      `Chart.js ${version ?? '(unknown version)'} found at ${file}; self-evolve needs ${CHART_JS_VERSION}`,
      { hint: 'reinstall self-evolve (npm ci) so that the pinned chart.js is used' },
    );
  }
  cached = source.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
  return cached;
}

/**
 * Browser code: `selfEvolveCharts(root)` draws each canvas under `root` from the Chart.js config
 * in its `data-chart` attribute, once; `selfEvolveCharts.destroy(root)` frees them.
 */
export const CHART_INIT_SOURCE = `
(function () {
  function draw(root) {
    var canvases = (root || document).querySelectorAll('canvas[data-chart]');
    for (var i = 0; i < canvases.length; i++) {
      var c = canvases[i];
      if (c._chart) continue;
      try { c._chart = new Chart(c, JSON.parse(c.getAttribute('data-chart'))); }
      catch (e) { c.insertAdjacentText('afterend', 'chart failed: ' + e.message); }
    }
  }
  draw.destroy = function (root) {
    var canvases = (root || document).querySelectorAll('canvas[data-chart]');
    for (var i = 0; i < canvases.length; i++) if (canvases[i]._chart) canvases[i]._chart.destroy();
  };
  window.selfEvolveCharts = draw;
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', function () { draw(); });
  else draw();
})();
`;
