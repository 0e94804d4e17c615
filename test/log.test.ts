import { describe, expect, it } from 'vitest';
import { createLogger, withLogContext } from '../src/log.js';

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

  it('adds the log context of the work in progress, redacted like everything else; explicit fields win', () => {
    lines.length = 0;
    const log = createLogger({ ...base, level: 'info', format: 'json' });
    withLogContext({ correlationId: 'c-1', task: 'retry-1', header: 'Bearer xoxb-secret-token' }, () =>
      withLogContext({ incident: 'k#2' }, () => log.info('inside', { task: 'explicit' })),
    );
    log.info('outside');
    const [inside, outside] = lines.map((l) => JSON.parse(l));
    expect(inside).toMatchObject({ correlationId: 'c-1', incident: 'k#2', task: 'explicit' });
    expect(inside.header).toBe('Bearer [redacted]');
    expect(outside.correlationId).toBeUndefined();
    expect(lines.join('\n')).not.toContain('xoxb-secret-token');
  });

  it('writes one short human line in pretty mode', () => {
    lines.length = 0;
    createLogger({ ...base, level: 'debug', format: 'pretty' }).info('job gaps ran', { findings: 3 });
    expect(lines).toEqual(['11:00:00 info  job gaps ran  findings=3']);
  });
});
