// This test follows README's recipes ("Adding a check", "Adding a button", under Architecture) literally, step
// by step and file by file, in a throwaway copy of the repository: it adds a real check (example_stale_rows)
// and a button kind (example_escalate), then runs in the copy what the README promises. Change a recipe and
// this test together: the first case fails when the README stops naming a file or name the steps below touch.
//
// The copy holds src/, sql/, data/, the config files and only the tests run here (node_modules is a symlink).
// Three things are proved, with two type-checks and two test runs in all:
// - a query in sql/checks whose evaluator is not registered fails test/jobs/registry.test.ts (the safety net);
// - a button kind with a schema and a label but no handler fails `tsc` at HANDLERS, and nowhere else;
// - both recipes complete: `tsc --noEmit` passes, and so do the registry test, the new check's own test and
//   test/sql (ZetaSQL against the DDL, the subset and DuckDB), each of which sees the new query.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What the copy needs: the sources, the config, and the tests run below with what they import. */
const COPIED = [
  'src',
  'sql',
  'data',
  'package.json',
  'tsconfig.json',
  'vitest.config.ts',
  'biome.json',
  'scripts/sql-types.ts',
  'test/jobs/registry.test.ts',
  'test/jobs/pipeline-fixture.ts',
  'test/sql',
  'test/support/zetasql.ts',
  'test/support/partition-bounds.ts',
  'test/fixtures/sql-bad',
];

const CHECK = 'example_stale_rows';
const KIND = 'example_escalate';

/** The tests the check recipe promises will pass (README: the registry test, the check's own, test/sql). */
const CHECK_TESTS = ['test/jobs/registry.test.ts', `test/jobs/${CHECK}.test.ts`, 'test/sql'];

// Recipe "Adding a check", step 1: the query, its parameters declared in its header.
const CHECK_SQL = `-- ${CHECK}: games on @report_date that the schedule still shows as scheduled (game_status 1) six hours
-- after their tip-off as of @now: the schedule scraper has stopped updating their rows.
-- @param report_date DATE
-- @param now TIMESTAMP
SELECT game_id, game_start_time
FROM nba_raw.nbac_schedule
WHERE game_date = @report_date
  AND game_status = 1
  AND game_start_time < TIMESTAMP_SUB(@now, INTERVAL 6 HOUR)
ORDER BY game_id
`;

// Step 2: the evaluator module, defined with defineCheck.
const CHECK_TS = `import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { type Finding, findingKey } from './finding.js';
import { count, date, listFact, type Presentation, strFact } from './presentation.js';

const NAME = '${CHECK}';

const row = z.object({ game_id: z.string(), game_start_time: z.date() });
export type ExampleStaleRowsRow = z.infer<typeof row>;

/** Any game still "scheduled" six hours after tip-off: a warning for the date. */
export function evaluateExampleStaleRows(rows: readonly ExampleStaleRowsRow[], ctx: CheckContext): Finding[] {
  if (rows.length === 0) return [];
  return [
    {
      check: NAME,
      key: findingKey(NAME, ctx.date),
      severity: 'warning',
      title: \`\${rows.length} games on \${ctx.date} still scheduled six hours after tip-off\`,
      subject: { date: ctx.date },
      facts: { date: ctx.date, games: rows.map((r) => r.game_id) },
      actions: [],
    },
  ];
}

const presentation: Presentation = {
  summary: (f) =>
    \`\${listFact(f, 'games')?.length} games on \${strFact(f, 'date')} still show as scheduled six hours after tip-off.\`,
  fields: (f) => [count('Games', listFact(f, 'games')?.length, undefined, 'games'), date('Game date', strFact(f, 'date'))],
};

export const exampleStaleRowsCheck = defineCheck({
  name: NAME,
  description: 'Games the schedule still shows as scheduled six hours after tip-off',
  query: defineQuery(\`checks/\${NAME}.sql\`, row),
  params: (ctx) => ({ report_date: ctx.date, now: ctx.now }),
  evaluate: evaluateExampleStaleRows,
  presentation,
});
`;

// Step 4: its runbook (the alerts' Next step lines and the Details modal read it).
const CHECK_RUNBOOK = `# ${CHECK}: games stuck as scheduled

Next step: Re-run the schedule scraper for the date; the games' status comes back from NBA.com.

When resolved: Nothing to do.
`;

// Step 4: its test, on hand-made rows and on DuckDB through the fixture warehouse.
const CHECK_TEST = `import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import { evaluateExampleStaleRows, exampleStaleRowsCheck } from '../../src/jobs/${CHECK}.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { type FixtureWarehouse, fixtureWarehouse, scheduleRow } from './pipeline-fixture.js';

const ctx: CheckContext = {
  date: '2026-01-19',
  now: new Date('2026-01-20T12:00:00Z'),
  thresholds: DEFAULT_THRESHOLDS,
};

describe('${CHECK} evaluate', () => {
  it('no stale game is quiet; any is one warning keyed by the date', () => {
    expect(evaluateExampleStaleRows([], ctx)).toEqual([]);
    const rows = [{ game_id: 'g1', game_start_time: new Date('2026-01-20T00:00:00Z') }];
    expect(evaluateExampleStaleRows(rows, ctx)).toMatchObject([
      { key: '${CHECK}:2026-01-19', severity: 'warning', facts: { games: ['g1'] } },
    ]);
  });

  it('fills the parameters its query declares', () => {
    expect(exampleStaleRowsCheck.params(ctx)).toEqual({ report_date: '2026-01-19', now: ctx.now });
  });
});

describe('${CHECK} on DuckDB', () => {
  let db: FixtureWarehouse;
  beforeAll(async () => {
    db = await fixtureWarehouse({
      'nba_raw.nbac_schedule': [
        scheduleRow('2026-01-19', { game_id: 'stale' }),
        scheduleRow('2026-01-19', { game_id: 'final', game_status: 3 }),
      ],
    });
  });
  afterAll(() => db?.close());

  it('finds the game still scheduled the morning after, not the final one, and nothing before tip-off', async () => {
    const { rows, findings } = await db.run(exampleStaleRowsCheck, ctx);
    expect(rows.map((r) => r.game_id)).toEqual(['stale']);
    expect(findings.map((f) => f.key)).toEqual(['${CHECK}:2026-01-19']);
    const early = await db.run(exampleStaleRowsCheck, { ...ctx, now: new Date('2026-01-19T20:00:00Z') });
    expect(early.findings).toEqual([]);
  });
});
`;

// Recipe "Adding a button", step 3: the handler, in a file of its own in src/bot/actions/.
const HANDLER_TS = `import { auditClick, type Handler } from './click.js';

export const onExampleEscalate: Handler<'${KIND}'> = async (deps, click, value) => {
  const { incidentId } = value;
  await auditClick(
    deps,
    click,
    { action: '${KIND}', target: incidentId, incident_id: incidentId, outcome: 'ok', details: {} },
    true,
  );
  return { text: 'Escalated.' };
};
`;

let dir = '';

const path = (file: string) => join(dir, file);

function write(file: string, text: string): void {
  mkdirSync(dirname(path(file)), { recursive: true });
  writeFileSync(path(file), text);
}

/**
 * Apply one recipe step to a file of the copy: `replacement` as in String.replace (`$&` is the anchor). A
 * file that changed shape fails here, saying which step.
 */
function edit(file: string, step: string, anchor: RegExp, replacement: string): void {
  const text = readFileSync(path(file), 'utf8');
  if (!anchor.test(text)) {
    throw new Error(`${step}: ${anchor} not found in ${file}; update README's recipe and this test together`);
  }
  writeFileSync(path(file), text.replace(anchor, replacement));
}

/** Add an import after the file's last import. */
function addImport(file: string, step: string, line: string): void {
  edit(file, step, /^import [^;]+;\n(?![\s\S]*^import )/m, `$&${line}\n`);
}

/** Run a command in the copy; never throws, returns the exit code and all output. */
function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  // The copy's vitest must not think it is a worker of this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: dir, env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, out: `${stdout}${stderr}` });
      },
    );
  });
}

/** A run's output without its passing tests' lines: what a failure message needs. */
const unlessPassed = (out: string) =>
  out
    .split('\n')
    .filter((line) => !/^\s*✓ /.test(line))
    .join('\n');

const tsc = () => run('npx', ['tsc', '--noEmit']);
const vitest = (...files: string[]) => run('npx', ['vitest', 'run', '--reporter=verbose', ...files]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shotclock-recipe-'));
  for (const entry of COPIED) cpSync(join(ROOT, entry), path(entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), path('node_modules'), 'dir');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("README's recipes, applied to a copy of the repository", () => {
  it('the README names every file and name the steps below touch', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    // From the check recipe to the next section: the button recipe follows it.
    const recipes = /\*\*Adding a check\*\*[\s\S]*?\*\*Adding a button\*\*[\s\S]*?(?=\n## )/.exec(
      readme,
    )?.[0];
    expect(recipes, 'README: "**Adding a check**" then "**Adding a button**"').toBeDefined();
    for (const named of [
      'sql/checks/<name>.sql',
      '-- @param name TYPE',
      'npm run sql-types',
      'src/jobs/<name>.ts',
      'defineCheck',
      'src/jobs/registry.ts',
      'ALL_CHECKS',
      'JOBS',
      'test/jobs/<name>.test.ts',
      'presentation',
      'docs/runbooks/<name>.md',
      'test/views/check-findings.ts',
      'test/jobs/registry.test.ts',
      'test/sql',
      'src/views/action-ids.ts',
      'actionValueSchema',
      'ACTION_LABELS',
      'src/views/alert.ts',
      'src/bot/actions/<kind>.ts',
      'HANDLERS',
      'src/bot/actions/index.ts',
      'test/recipes/add-check.test.ts',
    ]) {
      expect(recipes, named).toContain(named);
    }
  });

  it('check, steps 1-2 without step 3: a query whose evaluator is not registered fails the registry test', async () => {
    write(`sql/checks/${CHECK}.sql`, CHECK_SQL);
    const types = await run('npm', ['run', 'sql-types']);
    expect(types.code, types.out).toBe(0);
    write(`src/jobs/${CHECK}.ts`, CHECK_TS);
    const { code, out } = await vitest('test/jobs/registry.test.ts');
    expect(code, unlessPassed(out)).not.toBe(0);
    expect(out).toMatch(/FAIL .*registers one evaluator for every query in sql\/checks/);
    expect(out).toContain(`"${CHECK}"`);
  }, 120_000);

  it('check complete, button without its handler: tsc fails at HANDLERS and nowhere else', async () => {
    // Check, step 3: register the evaluator and name it in a job.
    const registry = 'src/jobs/registry.ts';
    addImport(registry, 'check step 3', `import { exampleStaleRowsCheck } from './${CHECK}.js';`);
    edit(
      registry,
      'check step 3 (ALL_CHECKS)',
      /export const ALL_CHECKS\b[^=]*= \[\n/,
      '$&  asAny(exampleStaleRowsCheck),\n',
    );
    // Last in the gaps job's checks (the registry test spells out the grading job's list, not this one's).
    edit(
      registry,
      'check step 3 (JOBS)',
      /(\bgaps: \{[^}]*?\bchecks: \[[^\]]*?),?(\s*)\]/,
      `$1, '${CHECK}'$2]`,
    );
    // Check, step 4: its test.
    write(`test/jobs/${CHECK}.test.ts`, CHECK_TEST);
    write(`docs/runbooks/${CHECK}.md`, CHECK_RUNBOOK);

    // Button, step 1: the value's schema in actionValueSchema and the label in ACTION_LABELS.
    const ids = 'src/views/action-ids.ts';
    const schema = `z.object({ v, a: z.literal('${KIND}'), incidentId }).strict()`;
    edit(
      ids,
      'button step 1 (schema)',
      /export const actionValueSchema = z\.discriminatedUnion\('a', \[\n/,
      `$&  ${schema},\n`,
    );
    edit(
      ids,
      'button step 1 (label)',
      /export const ACTION_LABELS\b[^=]*= \{\n/,
      `$&  ${KIND}: 'Escalate',\n`,
    );
    // Button, step 2: the element among the alert's actions (actionBlocks), after Snooze.
    const value = `encodeActionValue({ a: '${KIND}', incidentId: incident.id }).value`;
    const button = `button({ text: ACTION_LABELS.${KIND}, actionId: actionId('${KIND}'), value: ${value} })`;
    const snooze = /^( *)elements\.push\(\.\.\.snoozeElements\(incident\.id\)\);\n/m;
    edit('src/views/alert.ts', 'button step 2', snooze, `$&$1elements.push(${button});\n`);

    const { code, out } = await tsc();
    expect(code, out).not.toBe(0);
    const errors = out.split('\n').filter((line) => /error TS\d+/.test(line));
    const index = readFileSync(path('src/bot/actions/index.ts'), 'utf8').split('\n');
    const handlersLine = index.findIndex((line) => /\bconst HANDLERS\b/.test(line)) + 1;
    expect(handlersLine, 'const HANDLERS in src/bot/actions/index.ts').toBeGreaterThan(0);
    expect(errors, out).toHaveLength(1);
    expect(errors[0]).toContain(`src/bot/actions/index.ts(${handlersLine},`);
    expect(errors[0]).toContain(`Property '${KIND}' is missing`);
  }, 120_000);

  it('both recipes complete: tsc passes, and so do the registry test, the check’s own test and test/sql', async () => {
    // Button, step 3: the handler file and its entry in HANDLERS.
    write('src/bot/actions/example-escalate.ts', HANDLER_TS);
    const index = 'src/bot/actions/index.ts';
    addImport(index, 'button step 3', "import { onExampleEscalate } from './example-escalate.js';");
    edit(
      index,
      'button step 3 (HANDLERS)',
      /const HANDLERS\b[^=]*= \{\n/,
      `$&  ${KIND}: onExampleEscalate,\n`,
    );

    const [types, tests] = await Promise.all([tsc(), vitest(...CHECK_TESTS)]);
    expect(types.code, types.out).toBe(0);
    expect(tests.code, unlessPassed(tests.out)).toBe(0);
    expect(tests.out).toMatch(/Test Files\s+5 passed \(5\)/);
    // Each file saw the new check: the registry's list, the check's own test, ZetaSQL and the DuckDB subset.
    expect(tests.out).toMatch(/✓ test\/jobs\/example_stale_rows\.test\.ts .*finds the game still scheduled/);
    expect(tests.out).toMatch(/✓ test\/sql\/zetasql\.test\.ts .*checks\/example_stale_rows\.sql/);
    expect(tests.out).toMatch(/✓ test\/sql\/subset\.test\.ts .*checks\/example_stale_rows\.sql/);
  }, 180_000);
});
