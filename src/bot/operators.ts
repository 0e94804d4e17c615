import type { webApi } from '@slack/bolt';
import type { Config } from '../config.js';
import type { Operators } from '../services.js';

export interface OperatorPolicy {
  readonly userIds: readonly string[];
  readonly groupId: string | undefined;
}

/**
 * Who may press the destructive buttons (Backfill, Reset Breaker): listed user ids, or members of a user
 * group. Group membership is read with usergroups.users.list and cached briefly, so a burst of clicks costs
 * one API call; when Slack cannot be asked, only the listed ids are allowed (fail closed).
 */
export function createOperatorCheck(
  policy: OperatorPolicy,
  client: Pick<webApi.WebClient, 'usergroups'> | undefined,
  now: () => number = Date.now,
  cacheMs = 5 * 60_000,
): (userId: string) => Promise<boolean> {
  let cached: { members: Set<string>; at: number } | undefined;
  return async (userId) => {
    if (policy.userIds.includes(userId)) return true;
    if (!policy.groupId || !client) return false;
    if (!cached || now() - cached.at > cacheMs) {
      try {
        const result = await client.usergroups.users.list({ usergroup: policy.groupId });
        cached = { members: new Set(result.users ?? []), at: now() };
      } catch {
        return false;
      }
    }
    return cached.members.has(userId);
  };
}

/** The operators from configuration: listed ids and the group, checked through Slack's usergroups API. */
export function createOperators(
  config: Pick<Config, 'alerts'>,
  client: Pick<webApi.WebClient, 'usergroups'> | undefined,
): Operators {
  const { operatorUserIds, operatorGroupId } = config.alerts;
  return {
    isOperator: createOperatorCheck({ userIds: operatorUserIds, groupId: operatorGroupId }, client),
    mentions: [
      ...operatorUserIds.map((u) => `<@${u}>`),
      ...(operatorGroupId ? [`<!subteam^${operatorGroupId}>`] : []),
    ],
  };
}
