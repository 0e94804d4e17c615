// Regenerates .env.example from the variable table (src/config-vars.ts): `npx tsx scripts/env-example.ts > .env.example`.
import { VAR_LIST } from '../src/config-vars.js';

const titles: Record<string, string> = {
  slack: 'Slack app (set all of these, or none for the demo)',
  gcp: 'Google Cloud (set all of these, or none for the embedded default)',
  alerts: 'Alert routing and operators',
  server: 'Server',
  embedded: 'Embedded default (demo, tests, single VM)',
  recovery: 'Recovery',
  retention: 'Retention (Firestore TTL policies in the cloud; the embedded store is pruned)',
  thresholds: 'Check thresholds (each default and where it comes from: docs/pipeline.md#thresholds)',
  schedules: 'Schedules (cron, America/New_York)',
};
const lines = ['# shotclock configuration. With none of this set, `npm start` runs the embedded demo.', ''];
let group = '';
for (const v of VAR_LIST) {
  if (v.group !== group) {
    group = v.group;
    lines.push(`# --- ${titles[group] ?? group} ---`);
  }
  lines.push(`# ${v.description}${v.secret ? ' (secret: no default, never logged)' : ''}`);
  lines.push(`# ${v.name}=${v.secret ? '' : (v.example ?? '')}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
