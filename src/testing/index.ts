// `self-evolve/testing`: test doubles for programs built on self-evolve. A scripted model whose
// answers come from a function, one that rewrites some of a real model's output, a proxy that
// makes an upstream fail on purpose, and tiny configs that run a whole SELF loop in seconds on
// the embedded engine.
export { type FaultProxy, type FaultRates, startFaultProxy } from './fault-proxy.js';
export {
  type Rewrite,
  type RewriteRecord,
  RewritingLanguageModel,
} from './rewriting-language-model.js';
export { ScriptedLanguageModel } from './scripted-language-model.js';
export { TINY_CONFIG, TINY_CONSTRAINTS_CONFIG } from './test-configs.js';
