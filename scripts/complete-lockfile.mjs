// The registry mirror on our build machines 404s the other platforms' builds of a few
// native packages (Biome, DuckDB), so `npm install` leaves them out of package-lock.json
// and `npm ci` then refuses the lockfile as out of sync. This re-adds each missing
// optional platform package as a plain entry (version, os, cpu, libc), which is what npm
// writes on a machine that can see them; npm ci skips them on other platforms anyway.
// Run after every `npm install`: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));

function platformOf(name) {
  const os = ['android', 'darwin', 'linux', 'win32', 'freebsd'].find((o) => name.includes(`-${o}-`));
  const cpu = ['arm64', 'x64'].find((c) => name.includes(`-${c}`));
  if (!os || !cpu) return undefined;
  const entry = { os: [os], cpu: [cpu] };
  if (os === 'linux') entry.libc = [name.endsWith('-musl') ? 'musl' : 'glibc'];
  return entry;
}

let added = 0;
for (const entry of Object.values(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const depPath = `node_modules/${dep}`;
    if (lock.packages[depPath]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    lock.packages[depPath] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
