// The generated parameter types (src/warehouse/sql-types.generated.ts) must match the sql/ headers, and they
// must make a wrong parameter a compile error. tsc checks sql-types.fixture.ts in `npm test`, where an
// expect-error directive with no error below it fails; here the fixture is compiled without its directives,
// so each line they cover must be an error.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { GENERATED_PATH, renderSqlTypes } from '../../scripts/sql-types.js';

describe('src/warehouse/sql-types.generated.ts', () => {
  it('is what scripts/sql-types.ts renders from the sql/ headers', () => {
    const committed = readFileSync(GENERATED_PATH, 'utf8');
    expect(
      committed,
      'sql/ headers and src/warehouse/sql-types.generated.ts differ: run `npm run sql-types` and commit the result',
    ).toBe(renderSqlTypes());
  });
});

const FIXTURE = fileURLToPath(new URL('./sql-types.fixture.ts', import.meta.url));
const DIRECTIVE = '// @ts-expect-error';

/** What each directive of the fixture stands for, in order: the compiler's message without it. */
const EXPECTED_ERRORS = [
  /'wrong_param' does not exist in type '\{ window_start: string; report_date: string; now: Date;/,
  /^Type 'string' is not assignable to type 'Date'\./,
  /Property 'now' is missing in type '\{ proxy_provider: string; target_host: string; note: string; \}'/,
  /"checks\/no_such_check\.sql"' is not assignable to parameter of type 'keyof SqlParams'/,
  /^Type 'number' is not assignable to type 'string'\./,
];

/** The fixture's diagnostics, compiled with the project's options and its directives turned into plain comments. */
function compileWithoutDirectives(): {
  directiveLines: number[];
  errors: { line: number; message: string }[];
} {
  const original = readFileSync(FIXTURE, 'utf8');
  const lines = original.split('\n');
  const directiveLines = lines.flatMap((l, i) => (l.trim().startsWith(DIRECTIVE) ? [i] : []));
  const text = lines.map((l) => l.replace(DIRECTIVE, '// expected error:')).join('\n');

  const configPath = ts.findConfigFile(process.cwd(), ts.sys.fileExists, 'tsconfig.json');
  if (!configPath) throw new Error('tsconfig.json not found');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error(`cannot read ${configPath}`);
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    ts.sys.resolvePath(name) === FIXTURE
      ? ts.createSourceFile(name, text, languageVersion)
      : getSourceFile(name, languageVersion, ...rest);
  const program = ts.createProgram({ rootNames: [FIXTURE], options: config.options, host });
  const source = program.getSourceFile(FIXTURE);
  if (!source) throw new Error(`${FIXTURE} not compiled`);
  const errors = ts.getPreEmitDiagnostics(program, source).map((d) => ({
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1,
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
  return { directiveLines, errors };
}

describe('a wrong parameter is a compile error (test/warehouse/sql-types.fixture.ts)', () => {
  it('fails to compile on exactly the line after each @ts-expect-error, with the expected message', () => {
    const { directiveLines, errors } = compileWithoutDirectives();
    expect(directiveLines).toHaveLength(EXPECTED_ERRORS.length);
    // Nothing else in the fixture is an error: the correct calls compile.
    expect(errors.map((e) => e.line).sort((a, b) => a - b)).toEqual(directiveLines.map((l) => l + 1));
    directiveLines.forEach((line, i) => {
      const error = errors.find((e) => e.line === line + 1);
      expect(error?.message, `fixture line ${line + 2}`).toMatch(EXPECTED_ERRORS[i] as RegExp);
    });
  });
});
