#!/usr/bin/env node
// The self-evolve command: a thin launcher for the compiled CLI in dist/.
import { exitQuietlyOnClosedPipe } from '../dist/cli/environment-errors.js';
import { main } from '../dist/cli/main.js';

exitQuietlyOnClosedPipe();
process.exitCode = await main(process.argv.slice(2));
