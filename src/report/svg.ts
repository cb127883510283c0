// Small inline SVG charts (no external assets): grouped bars and lines over named categories.

/** A named series of values, one per category; null leaves a gap. */
export interface Series {
  readonly name: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
}

export interface ChartOptions {
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly Series[];
  /** Top of the y axis (e.g. 1 for fractions); default the largest value. */
  readonly max?: number;
  /** Formats axis ticks and value labels. */
  readonly format?: (v: number) => string;
  readonly kind: 'bars' | 'lines';
}

const W = 560;
const H = 260;
const PAD = { left: 48, right: 12, top: 32, bottom: 44 };

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One chart as an `<svg>` element string. */
export function chart(options: ChartOptions): string {
  const { categories, series, kind } = options;
  const format = options.format ?? ((v: number) => String(Math.round(v * 100) / 100));
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = options.max ?? Math.max(1, ...values);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const band = plotW / Math.max(1, categories.length);
  const y = (v: number) => PAD.top + plotH * (1 - v / max);
  const parts: string[] = [
    `<text x="${W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(options.title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    parts.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${esc(format(v))}</text>`,
    );
  }
  categories.forEach((c, i) => {
    parts.push(
      `<text x="${PAD.left + band * (i + 0.5)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11">${esc(c)}</text>`,
    );
  });
  if (kind === 'bars') {
    const barW = (band * 0.8) / Math.max(1, series.length);
    series.forEach((s, k) => {
      s.values.forEach((v, i) => {
        if (v === null) return;
        const x = PAD.left + band * i + band * 0.1 + barW * k;
        parts.push(
          `<rect x="${x}" y="${y(v)}" width="${barW - 2}" height="${PAD.top + plotH - y(v)}" fill="${s.color}"><title>${esc(`${s.name} ${categories[i]}: ${format(v)}`)}</title></rect>`,
        );
      });
    });
  } else {
    for (const s of series) {
      const points = s.values
        .map((v, i) => (v === null ? null : `${PAD.left + band * (i + 0.5)},${y(v)}`))
        .filter((p): p is string => p !== null);
      parts.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.join(' ')}"/>`,
      );
      for (const p of points) {
        const [cx, cy] = p.split(',');
        parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${s.color}"/>`);
      }
    }
  }
  series.forEach((s, k) => {
    const x = PAD.left + k * 150;
    parts.push(
      `<rect x="${x}" y="${H - 16}" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${x + 14}" y="${H - 7}" font-size="11">${esc(s.name)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif">${parts.join('')}</svg>`;
}

export { esc as escapeHtml };
