import { describe, expect, it } from 'vitest';
import { decideOutcome, deliveryHeaders, retryDelayMs } from '../../src/tasks/local-policy.js';

const policy = { minBackoffMs: 1000, maxBackoffMs: 60_000 };
const now = new Date('2026-01-20T09:00:00Z');

describe('retryDelayMs', () => {
  it('starts at the minimum, doubles, and stays at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map((a) => retryDelayMs(a, policy))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });
});

describe('decideOutcome', () => {
  it('2xx is done', () => {
    expect(decideOutcome({ status: 204, text: '' }, 1, 3, now, policy)).toEqual({
      kind: 'done',
      status: 204,
    });
  });

  it('4xx fails without retry, except 408 and 429', () => {
    for (const status of [400, 401, 403, 404, 409, 422]) {
      expect(decideOutcome({ status, text: 'no' }, 1, 3, now, policy)).toEqual({
        kind: 'failed',
        status,
        error: `HTTP ${status}: no`,
      });
    }
    for (const status of [408, 429]) {
      expect(decideOutcome({ status, text: '' }, 1, 3, now, policy).kind).toBe('retry');
    }
  });

  it('3xx fails (redirects are not followed)', () => {
    expect(decideOutcome({ status: 302, text: '' }, 1, 3, now, policy).kind).toBe('failed');
  });

  it('5xx and network errors retry after the backoff until maxAttempts, then fail', () => {
    expect(decideOutcome({ status: 503, text: 'down' }, 2, 3, now, policy)).toEqual({
      kind: 'retry',
      status: 503,
      error: 'HTTP 503: down',
      nextAttemptAt: new Date(now.getTime() + 2000),
    });
    expect(decideOutcome({ error: 'TypeError: fetch failed' }, 1, 3, now, policy)).toMatchObject({
      kind: 'retry',
      status: undefined,
      nextAttemptAt: new Date(now.getTime() + 1000),
    });
    expect(decideOutcome({ status: 500, text: '' }, 3, 3, now, policy)).toEqual({
      kind: 'failed',
      status: 500,
      error: 'HTTP 500 (gave up after 3 attempts)',
    });
  });

  it('cuts a long response text into the error', () => {
    const out = decideOutcome({ status: 400, text: 'x'.repeat(5000) }, 1, 3, now, policy);
    expect(out.kind === 'failed' && out.error.length).toBe('HTTP 400: '.length + 300);
  });
});

describe('deliveryHeaders', () => {
  it('carries the Cloud Tasks headers and the bearer secret, previous response only after one', () => {
    const base = {
      name: 't',
      queueName: 'q',
      scheduleTime: new Date(1_700_000_000_123),
      retryCount: 0,
      executionCount: 0,
      previousResponse: undefined,
      secret: 's3cret',
    };
    expect(deliveryHeaders(base)).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'Google-Cloud-Tasks',
      Authorization: 'Bearer s3cret',
      'X-CloudTasks-QueueName': 'q',
      'X-CloudTasks-TaskName': 't',
      'X-CloudTasks-TaskRetryCount': '0',
      'X-CloudTasks-TaskExecutionCount': '0',
      'X-CloudTasks-TaskETA': '1700000000.123000',
    });
    expect(deliveryHeaders({ ...base, retryCount: 2, previousResponse: 503 })).toMatchObject({
      'X-CloudTasks-TaskRetryCount': '2',
      'X-CloudTasks-TaskPreviousResponse': '503',
    });
  });
});
