// `self-evolve/testing`: test doubles for programs built on self-evolve. A scripted model whose
// answers come from a function, one that rewrites some of a real model's output, scripted judges,
// a proposer that repeats and paraphrases, a proxy that makes an upstream fail on purpose, and
// tiny configs that run a whole SELF loop in seconds on the embedded engine.
export { type FaultProxy, type FaultRates, startFaultProxy } from './fault-proxy.js';
export {
  PROPOSAL_KINDS,
  type ProposalKind,
  repeatingProposer,
} from './repeating-proposer.js';
export {
  type Rewrite,
  type RewriteRecord,
  RewritingLanguageModel,
} from './rewriting-language-model.js';
export { answerInSlot, answerUnderRubric, scriptedJudges } from './scripted-judges.js';
export { ScriptedLanguageModel } from './scripted-language-model.js';
export { TINY_CONFIG, TINY_CONSTRAINTS_CONFIG } from './test-configs.js';
