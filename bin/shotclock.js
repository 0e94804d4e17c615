#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  console.error(
    'shotclock is not built yet: run `npm install` (or `npm run build`) in the project directory first.',
  );
  process.exit(1);
}
await import(entry.href);
