// A progress bar for long steps, drawn on stderr. Silent when disabled (--json) and reduced to
// occasional plain lines when stderr is not a terminal, so logs stay readable.

export interface ProgressOptions {
  /** Shown before the bar, e.g. `train meta`. */
  readonly label: string;
  readonly total: number;
  /** False under --json or --quiet. */
  readonly enabled?: boolean;
  readonly stream?: NodeJS.WriteStream;
}

export class ProgressBar {
  private done = 0;
  private extra = '';
  private readonly started = Date.now();
  private lastDraw = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly enabled: boolean;
  private readonly tty: boolean;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.enabled = options.enabled ?? true;
    this.tty = Boolean(this.stream.isTTY);
  }

  /** Sets the count done and an optional status (e.g. `loss 1.23 · 4.1k tok/s`). */
  update(done: number, extra?: string): void {
    this.done = done;
    if (extra !== undefined) this.extra = extra;
    const now = Date.now();
    const interval = this.tty ? 100 : 10_000;
    if (now - this.lastDraw >= interval || done >= this.options.total) this.draw(now);
  }

  /** Finishes the bar with a final line. */
  finish(extra?: string): void {
    if (extra !== undefined) this.extra = extra;
    this.done = this.options.total;
    this.draw(Date.now(), true);
  }

  private draw(now: number, final = false): void {
    if (!this.enabled) return;
    this.lastDraw = now;
    const { label, total } = this.options;
    const fraction = total > 0 ? Math.min(1, this.done / total) : 1;
    const elapsed = (now - this.started) / 1000;
    const eta = fraction > 0 && !final ? (elapsed / fraction) * (1 - fraction) : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const time = final
      ? `${formatSeconds(elapsed)}`
      : `${formatSeconds(elapsed)}<${formatSeconds(eta)}`;
    const line = `${label} ${bar} ${this.done}/${total} ${time}${this.extra ? ` · ${this.extra}` : ''}`;
    if (this.tty) this.stream.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
    else if (final || this.done > 0) this.stream.write(`${line}\n`);
  }
}

/** 75 → `1:15`, 3725 → `1:02:05`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}
