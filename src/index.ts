// The programmatic API of self-evolve.
export * from './spec/index.js';
