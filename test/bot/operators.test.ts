import { describe, expect, it } from 'vitest';
import { createOperatorCheck } from '../../src/bot/operators.js';

describe('operator check', () => {
  it('allows listed users and group members, caches the group, and fails closed when Slack errors', async () => {
    let calls = 0;
    let fail = false;
    const client = {
      usergroups: {
        users: {
          list: async () => {
            calls++;
            if (fail) throw new Error('ratelimited');
            return { ok: true, users: ['U_GROUP'] };
          },
        },
      },
    } as never;
    let t = 0;
    const isOperator = createOperatorCheck({ userIds: ['U_LISTED'], groupId: 'S1' }, client, () => t, 1000);
    expect(await isOperator('U_LISTED')).toBe(true);
    expect(await isOperator('U_GROUP')).toBe(true);
    expect(await isOperator('U_OTHER')).toBe(false);
    expect(calls).toBe(1);
    t = 5000;
    fail = true;
    expect(await isOperator('U_GROUP')).toBe(false);
    expect(await createOperatorCheck({ userIds: [], groupId: undefined }, client)('U_GROUP')).toBe(false);
  });
});
