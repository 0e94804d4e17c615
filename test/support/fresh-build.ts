// Tests that start the bot as a user would (`node bin/shotclock.js`) run the compiled dist/. `npm install`
// and `npm ci` build it; after editing src/ without rebuilding, such a test would silently test yesterday's
// code. So it rebuilds first when a source file is newer than dist/ (never on a fresh clone: CI skips it).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

export function ensureFreshBuild(): void {
  const built = join(ROOT, 'dist', 'cli', 'index.js');
  const sources = newestMtime(join(ROOT, 'src'));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  console.log('dist/ is older than src/: rebuilding (npm run build) for the tests that start the bot');
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}
