// The programmatic API of self-evolve.

export * from './engine/index.js';
export * from './spec/index.js';
