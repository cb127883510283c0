// A fixed set of context sequences handed out one job at a time; waiting jobs are served in
// arrival order. llama.cpp batches the sequences that evaluate at the same time.
import type { LlamaContextSequence } from 'node-llama-cpp';

export class SequencePool {
  private readonly free: LlamaContextSequence[];
  private readonly waiting: ((sequence: LlamaContextSequence) => void)[] = [];

  constructor(sequences: readonly LlamaContextSequence[]) {
    this.free = [...sequences];
  }

  /** Runs `job` on a free sequence, waiting for one if all are busy. */
  async use<T>(job: (sequence: LlamaContextSequence) => Promise<T>): Promise<T> {
    const sequence =
      this.free.pop() ?? (await new Promise<LlamaContextSequence>((r) => this.waiting.push(r)));
    try {
      return await job(sequence);
    } finally {
      const next = this.waiting.shift();
      if (next) next(sequence);
      else this.free.push(sequence);
    }
  }
}
