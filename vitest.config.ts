// Test runner configuration: tests sit beside the code as src/**/*.test.ts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: the engine's tests are CPU-bound, so files run two at a time.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
