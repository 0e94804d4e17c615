import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/logger.js';

describe('logger', () => {
  const lines: string[] = [];
  const base = {
    secrets: ['xoxb-secret-token', 'shh-signing'],
    write: (l: string) => lines.push(l),
    now: () => new Date('2026-01-19T11:00:00Z'),
  };

  it('writes Cloud Logging JSON with severity, bound fields, and redacts every secret', () => {
    lines.length = 0;
    const log = createLogger({ ...base, level: 'info', format: 'json' }).child({ job: 'gaps' });
    log.debug('hidden');
    log.error('slack failed with xoxb-secret-token', {
      error: new Error('bad auth shh-signing'),
      incident: 'k#1',
    });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({
      severity: 'ERROR',
      job: 'gaps',
      incident: 'k#1',
      time: '2026-01-19T11:00:00.000Z',
    });
    expect(lines[0]).not.toContain('xoxb-secret-token');
    expect(lines[0]).not.toContain('shh-signing');
    expect(entry.message).toBe('slack failed with [redacted]');
  });

  it('writes one short human line in pretty mode', () => {
    lines.length = 0;
    createLogger({ ...base, level: 'debug', format: 'pretty' }).info('job gaps ran', { findings: 3 });
    expect(lines).toEqual(['11:00:00 info  job gaps ran  findings=3']);
  });
});
