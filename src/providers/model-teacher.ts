// A teacher that is a model: it critiques the student's answer and, when its verdict is wrong,
// writes a refinement. For external models (GPT-4-class teachers), as in the SELF paper.
import { InvalidInputError } from '../spec/errors.js';
import type {
  CompleteOptions,
  Completion,
  CompletionRequest,
  LanguageModel,
  Turn,
} from '../spec/language-model.js';
import type { Problem, Teacher, Verdict } from '../spec/task.js';
import { estimateTokens } from './ai-sdk-language-model.js';
import { readVerdict } from './chat-template.js';
import { completeEach } from './complete-each.js';

export interface ModelTeacherOptions {
  /** Token limits for feedback and refinement. Default 512 each. */
  readonly maxTokens?: number;
  /** Reads the teacher's verdict; default: the last `verdict: correct|wrong` line. */
  readonly parseVerdict?: (feedback: string) => Verdict | undefined;
}

/** Greedy feedback, then a refinement when the verdict is not `correct`. */
export class ModelTeacher implements Teacher {
  readonly id: string;

  constructor(
    readonly model: LanguageModel,
    private readonly options: ModelTeacherOptions = {},
  ) {
    this.id = `model:${model.id}`;
  }

  async review(
    problem: Problem,
    response: string,
  ): Promise<{ feedback: string; refinement?: string }> {
    const turns: Turn[] = [
      { section: 'prompt', text: problem.prompt },
      { section: 'response', text: response },
    ];
    const ask = async (next: 'feedback' | 'refinement', t: Turn[]) => {
      const request = { turns: t, next, temperature: 0, maxTokens: this.options.maxTokens ?? 512 };
      const [c] = await this.model.complete([request]);
      return c.texts[0] ?? '';
    };
    const feedback = await ask('feedback', turns);
    const verdict = (this.options.parseVerdict ?? readVerdict)(feedback);
    if (verdict === 'correct') return { feedback };
    const refinement = await ask('refinement', [...turns, { section: 'feedback', text: feedback }]);
    return { feedback, refinement };
  }
}

/**
 * The other way round: a Teacher (e.g. the equations checker) as a LanguageModel that writes the
 * feedback and refinement sections, so `serve` can offer it to teacher clients over HTTP.
 */
export class TeacherLanguageModel implements LanguageModel {
  readonly id: string;

  constructor(readonly teacher: Teacher) {
    this.id = teacher.id;
  }

  complete(requests: readonly CompletionRequest[], options: CompleteOptions = {}) {
    return completeEach(requests, options, (r) => this.completeOne(r));
  }

  private async completeOne(request: CompletionRequest): Promise<Completion> {
    if (request.next !== 'feedback' && request.next !== 'refinement') {
      throw new InvalidInputError(
        `teacher ${this.id} writes feedback and refinements, not "${request.next}"`,
        { field: 'next' },
      );
    }
    const prompt = request.turns.find((t) => t.section === 'prompt')?.text ?? '';
    // The answer under review: the last response or refinement before any feedback on it.
    const answers = request.turns.filter(
      (t) => t.section === 'response' || t.section === 'refinement',
    );
    const response = answers[answers.length - 1]?.text ?? '';
    const review = await this.teacher.review({ id: 'served', prompt }, response);
    const text = request.next === 'feedback' ? review.feedback : (review.refinement ?? response);
    const n = request.n ?? 1;
    return {
      texts: Array(n).fill(text),
      finishReasons: Array(n).fill('stop'),
      usage: {
        inputTokens: estimateTokens(request.turns.map((t) => t.text).join('\n')),
        outputTokens: estimateTokens(text) * n,
      },
    };
  }
}
