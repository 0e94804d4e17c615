import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../src/jobs/registry.js';
import { NON_REGISTRY_CHECKS } from '../../src/pipeline/presentations.js';
import { parseRunbook, RUNBOOK_DIR, runbookOf } from '../../src/pipeline/runbooks.js';
import { markdownToMrkdwn } from '../../src/views/runbook.js';

describe('runbooks (docs/runbooks/<check>.md)', () => {
  it('every runbook belongs to a check and reads: a title, a next step, a closing line, a body', () => {
    const checks = new Set([...ALL_CHECKS.map((c) => c.name), ...NON_REGISTRY_CHECKS]);
    const files = readdirSync(RUNBOOK_DIR).filter((f) => f.endsWith('.md'));
    expect(files.length).toBeGreaterThanOrEqual(checks.size);
    for (const file of files) {
      const check = file.replace(/\.md$/, '');
      expect(checks.has(check), `${file} names no check`).toBe(true);
      const runbook = runbookOf(check);
      expect(runbook?.title).toMatch(new RegExp(`^${check}: `));
      expect(runbook?.next.length).toBeGreaterThan(40);
      expect(runbook?.closed).toBeDefined();
      expect(runbook?.body).toContain('*What to do*');
    }
  });

  it('reads the two step paragraphs and keeps the rest; a runbook without a next step is refused by name', () => {
    const runbook = parseRunbook(
      'x',
      '# x: title\n\nNext step: press **Retry**\nnow.\n\nWhen resolved: nothing.\n\n## What to do\n\n- one\n- two',
    );
    expect(runbook).toEqual({
      check: 'x',
      title: 'x: title',
      next: 'press *Retry* now.',
      closed: 'nothing.',
      body: '*What to do*\n\n• one\n• two',
    });
    expect(() => parseRunbook('y', '# y\n\nNo step here.')).toThrow(
      'docs/runbooks/y.md: no "Next step:" paragraph',
    );
    expect(runbookOf('../etc/passwd')).toBeUndefined();
    expect(runbookOf('no_such_check')).toBeUndefined();
  });

  it('turns the markdown runbooks use into mrkdwn, escaping what could link or mention', () => {
    expect(
      markdownToMrkdwn('see [the doc](https://example.com/a) or [BDL](../pipeline.md#bdl) <!here> & co'),
    ).toBe('see <https://example.com/a|the doc> or BDL (docs/pipeline.md#bdl) &lt;!here&gt; &amp; co');
  });
});
