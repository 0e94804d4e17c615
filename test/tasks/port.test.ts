import { describe, expect, it } from 'vitest';
import { InvalidTaskError, isValidTaskName, MAX_TASK_NAME_LENGTH, taskName } from '../../src/tasks/port.js';

describe('taskName', () => {
  it('is deterministic, valid and readable after a well-distributed hash prefix', () => {
    const name = taskName('retry', 'bdl_box_scores', '2026-01-19', 1);
    expect(name).toBe(taskName('retry', 'bdl_box_scores', '2026-01-19', 1));
    expect(name).toMatch(/^[0-9a-f]{16}-retry-bdl_box_scores-2026-01-19-1$/);
    expect(isValidTaskName(name)).toBe(true);
  });

  it('sanitizes any character Cloud Tasks refuses, without merging distinct inputs', () => {
    const inputs = [
      ['retry', 'a:b'],
      ['retry', 'a.b'],
      ['retry', 'a b'],
      ['retry', 'a_b'],
      ['retry-a', 'b'],
      ['retry', 'a-b'],
      ['retry', 'ümlaut/ü'],
      ['retry', 1],
      ['retry', '1'],
    ] as const;
    const names = inputs.map((parts) => taskName(...parts));
    for (const n of names) expect(isValidTaskName(n)).toBe(true);
    // '1' and 1 are the same part on purpose (String(part)); everything else is distinct.
    expect(new Set(names).size).toBe(inputs.length - 1);
    expect(taskName('retry', 'a:b')).toMatch(/-retry-a_b$/);
  });

  it('cuts long names to 500 chars while the hash keeps them apart', () => {
    const long = 'x'.repeat(600);
    const a = taskName('backfill', long, 'a');
    const b = taskName('backfill', long, 'b');
    expect(a).toHaveLength(MAX_TASK_NAME_LENGTH);
    expect(b).toHaveLength(MAX_TASK_NAME_LENGTH);
    expect(a).not.toBe(b);
    expect(isValidTaskName(a)).toBe(true);
  });

  it('needs at least one part', () => {
    expect(() => taskName()).toThrow(InvalidTaskError);
  });
});

describe('isValidTaskName', () => {
  it('follows Cloud Tasks: [A-Za-z0-9_-], 1-500 chars', () => {
    expect(isValidTaskName('a')).toBe(true);
    expect(isValidTaskName('A_z-09')).toBe(true);
    expect(isValidTaskName('x'.repeat(500))).toBe(true);
    expect(isValidTaskName('x'.repeat(501))).toBe(false);
    expect(isValidTaskName('')).toBe(false);
    expect(isValidTaskName('a.b')).toBe(false);
    expect(isValidTaskName('a\nb')).toBe(false);
  });
});
