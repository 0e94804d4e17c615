// Prints the README's configuration table from src/config-vars.ts: `npx tsx scripts/config-table.ts`.
import { VAR_LIST } from '../src/config-vars.js';

export function configTable(): string {
  const rows = VAR_LIST.map((v) => {
    const example = v.secret ? '*(secret)*' : v.example ? `\`${v.example}\`` : '';
    return `| \`${v.name}\` | ${v.group} | ${v.description.replaceAll('|', '\\|')} | ${example} |`;
  });
  return ['| variable | group | what it does | example |', '|---|---|---|---|', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${configTable()}\n`);
