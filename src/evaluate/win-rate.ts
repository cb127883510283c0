// The win rate of pairwise judgements and its 95% confidence interval (Wilson score interval).

/** A 95% confidence interval. */
export interface ConfidenceInterval {
  readonly low: number;
  readonly high: number;
  readonly method: 'wilson';
}

/** z of a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * The Wilson score interval of a proportion `p` observed over `n` trials. With ties counted as
 * half a win, a pair scores 0, 1/2 or 1, whose variance is at most p(1 - p): the interval is then
 * conservative (at least as wide as the true one).
 */
export function wilsonInterval(p: number, n: number, z = Z95): ConfidenceInterval | null {
  if (n <= 0) return null;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    low: Math.max(0, centre - half),
    high: Math.min(1, centre + half),
    method: 'wilson',
  };
}

/** Wins plus half the ties, over the pairs decided; null when none was. */
export function winRate(wins: number, ties: number, losses: number): number | null {
  const n = wins + ties + losses;
  return n === 0 ? null : (wins + ties / 2) / n;
}
