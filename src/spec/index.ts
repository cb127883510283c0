// The ports of self-evolve: types and errors only, importing nothing from the rest of the tree.
export * from './errors.js';
export * from './judge.js';
export * from './language-model.js';
export * from './run-store.js';
export * from './task.js';
export * from './trainer.js';
