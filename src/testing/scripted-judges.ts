// Scripted judges for tests of judged evaluation: stand-ins for a hosted LLM judge that read the
// default judge templates (docs/evaluation.md): fair, position-biased, mute, and a rubric scorer.
import { ScriptedLanguageModel } from './scripted-language-model.js';

/** The answer shown in slot A or B of the default pairwise template ('' when absent). */
export function answerInSlot(prompt: string, slot: 'A' | 'B'): string {
  const pattern = new RegExp(`\\[Answer ${slot}\\]\\n([\\s\\S]*?)\\n\\[End of answer ${slot}\\]`);
  return pattern.exec(prompt)?.[1] ?? '';
}

/** The answer shown by the default rubric template ('' when absent). */
export function answerUnderRubric(prompt: string): string {
  return /\[Answer\]\n([\s\S]*?)\n\[End of answer\]/.exec(prompt)?.[1] ?? '';
}

/**
 * Four judges, each a ScriptedLanguageModel that records what it was asked. An answer is good
 * when it contains `GOOD`. `fair` prefers the good answer wherever it is shown (tie when both or
 * neither are); `biased` always says "A"; `mute` names neither answer; `scorer` gives 8 to a good
 * answer, 3 to another, and 11 (off a 1-10 scale) to one containing `ODD`.
 */
export function scriptedJudges() {
  const good = (text: string) => text.includes('GOOD');
  return {
    fair: new ScriptedLanguageModel((r) => {
      const prompt = r.turns[0].text;
      const [a, b] = [good(answerInSlot(prompt, 'A')), good(answerInSlot(prompt, 'B'))];
      return `Compared the two.\nVerdict: ${a === b ? 'tie' : a ? 'A' : 'B'}`;
    }, 'fair-judge'),
    biased: new ScriptedLanguageModel(
      () => 'The first one reads better.\nVerdict: A',
      'biased-judge',
    ),
    mute: new ScriptedLanguageModel(
      () => 'Both answers have merit; I cannot choose.',
      'mute-judge',
    ),
    scorer: new ScriptedLanguageModel((r) => {
      const answer = answerUnderRubric(r.turns[0].text);
      return `Assessed.\nScore: ${answer.includes('ODD') ? 11 : good(answer) ? 8 : 3}`;
    }, 'scorer-judge'),
  };
}

/** The question shown by the default pairwise template ('' when absent). */
export function questionShown(prompt: string): string {
  return /\[Question\]\n([\s\S]*?)\n\n\[Answer A\]/.exec(prompt)?.[1] ?? '';
}

/**
 * A judge that grades the two answers it is shown with `grade(question, answer)` (in [0, 1]) and
 * prefers the better one, tie when equal: a stand-in for a hosted LLM judge that judges well,
 * served over HTTP so that its calls go through the response cache like a real judge's.
 */
export function gradingJudge(grade: (question: string, answer: string) => number, id: string) {
  return new ScriptedLanguageModel((r) => {
    const prompt = r.turns[0].text;
    const question = questionShown(prompt);
    const a = grade(question, answerInSlot(prompt, 'A'));
    const b = grade(question, answerInSlot(prompt, 'B'));
    return `Graded A ${a}, B ${b}.\nVerdict: ${a > b ? 'A' : b > a ? 'B' : 'tie'}`;
  }, id);
}
