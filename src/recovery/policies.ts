// Auto-remediation policies (README, "Auto-heal"): which finding heals itself, by which action, within which
// limits. Everything here is pure: the config schema, the defaults, and the decision of what to do on a check
// run. src/recovery/auto-heal.ts loads the state and performs the decisions.
import { z } from 'zod';
import { type Action, type Finding, SEVERITIES, type Severity, severitySchema } from '../jobs/finding.js';
import { ALL_CHECKS } from '../jobs/registry.js';
import { addDays, etClock, etDate, etInstant, hours } from '../jobs/time.js';

export const POLICY_ACTIONS = ['retry', 'backfill', 'reset_breaker'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

export interface AutoHealPolicy {
  readonly name: string;
  readonly check: string;
  readonly severities: readonly Severity[];
  readonly action: PolicyAction;
  /** Act only on dates whose gap is at least this old (from the end of the ET date), e.g. 6 h. */
  readonly minAgeHours: number;
  /** Automatic actions per (policy, subject) per ET day; the next one waits for the next day. */
  readonly maxPerSubjectPerDay: number;
}

/** `01:00-05:00` in ET, minutes of the day; start > end wraps midnight (`22:00-02:00`). */
export interface QuietHours {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export const DEFAULT_MAX_PER_SUBJECT_PER_DAY = 3;

/**
 * Retry BDL discrepancies, backfill box-score gaps and retry critical phase 3 processors
 * (docs/pipeline.md#incidents); reset entity breakers once their data has arrived
 * (docs/pipeline.md#entity-circuit-breakers).
 */
export const DEFAULT_POLICIES: readonly AutoHealPolicy[] = [
  {
    name: 'retry-discrepancy',
    check: 'source_discrepancy',
    severities: [...SEVERITIES],
    action: 'retry',
    minAgeHours: 0,
    maxPerSubjectPerDay: DEFAULT_MAX_PER_SUBJECT_PER_DAY,
  },
  {
    name: 'backfill-boxscores',
    check: 'boxscore_completeness',
    severities: [...SEVERITIES],
    action: 'backfill',
    minAgeHours: 6,
    maxPerSubjectPerDay: DEFAULT_MAX_PER_SUBJECT_PER_DAY,
  },
  {
    name: 'retry-phase3-critical',
    check: 'phase3_completion',
    severities: ['critical'],
    action: 'retry',
    minAgeHours: 0,
    maxPerSubjectPerDay: DEFAULT_MAX_PER_SUBJECT_PER_DAY,
  },
  {
    name: 'breaker-data-arrived',
    check: 'circuit_breakers',
    severities: [...SEVERITIES],
    action: 'reset_breaker',
    minAgeHours: 0,
    maxPerSubjectPerDay: DEFAULT_MAX_PER_SUBJECT_PER_DAY,
  },
];

const checkNames = () => ALL_CHECKS.map((c) => c.name);

export const policySchema = z
  .object({
    name: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'expected a short name: a-z, 0-9, - or _ (up to 40)'),
    check: z.string(),
    severities: z
      .array(severitySchema)
      .min(1)
      .default([...SEVERITIES]),
    action: z.string(),
    minAgeHours: z
      .number()
      .min(0)
      .max(24 * 30)
      .default(0),
    maxPerSubjectPerDay: z.number().int().min(1).max(24).default(DEFAULT_MAX_PER_SUBJECT_PER_DAY),
  })
  .strict()
  .superRefine((p, ctx) => {
    const who = `policy "${p.name}"`;
    if (!checkNames().includes(p.check))
      ctx.addIssue({
        code: 'custom',
        path: ['check'],
        message: `${who} names unknown check "${p.check}" (known: ${checkNames().join(', ')})`,
      });
    if (!(POLICY_ACTIONS as readonly string[]).includes(p.action))
      ctx.addIssue({
        code: 'custom',
        path: ['action'],
        message: `${who} names unknown action "${p.action}" (known: ${POLICY_ACTIONS.join(', ')})`,
      });
    // Proxy breakers and breakers still waiting for data are a person's call.
    if (p.action === 'reset_breaker' && p.check !== 'circuit_breakers')
      ctx.addIssue({
        code: 'custom',
        path: ['action'],
        message: `${who}: reset_breaker runs automatically only for circuit_breakers (entity breakers whose data arrived)`,
      });
  })
  .transform((p) => p as AutoHealPolicy);

/** AUTOHEAL_POLICIES: a JSON list of policies; names are unique. `[]` turns auto-heal off. */
export const policyListSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not valid JSON: ${(error as Error).message}` });
      return z.NEVER;
    }
  })
  .pipe(z.array(policySchema, 'expected a JSON list of policies'))
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((p, i) => {
      if (seen.has(p.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `policy name "${p.name}" is used twice` });
      seen.add(p.name);
    });
  });

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseQuietHours(text: string): QuietHours | string {
  const [from, until, ...rest] = text.split('-').map((s) => s.trim());
  const a = CLOCK.exec(from ?? '');
  const b = CLOCK.exec(until ?? '');
  if (!a || !b || rest.length > 0) return `"${text}" is not HH:MM-HH:MM (ET), e.g. 01:00-05:00`;
  const start = Number(a[1]) * 60 + Number(a[2]);
  const end = Number(b[1]) * 60 + Number(b[2]);
  if (start === end) return `"${text}" is an empty window`;
  return { start, end, text: `${from}-${until}` };
}

export const quietHoursSchema = z.string().transform((text, ctx) => {
  const parsed = parseQuietHours(text);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }
  return parsed;
});

export function inQuietHours(quiet: QuietHours | null, now: Date): boolean {
  if (!quiet) return false;
  const [h, m] = etClock(now).split(':').map(Number);
  const minute = (h ?? 0) * 60 + (m ?? 0);
  return quiet.start < quiet.end
    ? minute >= quiet.start && minute < quiet.end
    : minute >= quiet.start || minute < quiet.end;
}

/** The breaker reset a finding offers once its data has arrived; undefined otherwise (never automatic then). */
export function arrivedBreakerAction(
  finding: Finding,
): Extract<Action, { kind: 'reset_breaker' }> | undefined {
  if (finding.check !== 'circuit_breakers' || !(Number(finding.facts.auto_reset_candidates) > 0)) return;
  const action = finding.actions.find((a) => a.kind === 'reset_breaker' && a.breaker === 'entity');
  return action?.kind === 'reset_breaker' && action.entities?.length ? action : undefined;
}

/** The action of `policy`'s kind the finding offers (only arrived entity breakers for reset_breaker). */
function offered(policy: AutoHealPolicy, finding: Finding): Action | undefined {
  if (policy.action === 'reset_breaker') return arrivedBreakerAction(finding);
  return finding.actions.find((a) => a.kind === policy.action);
}

const covers = (policy: AutoHealPolicy, finding: Finding) =>
  policy.check === finding.check && policy.severities.includes(finding.severity);

/**
 * The policy that covers a finding, if any: its check and severity match and the finding offers the
 * policy's kind of action (the alert offers "Pause auto-heal" then).
 */
export function coveringPolicy(
  finding: Finding,
  policies: readonly AutoHealPolicy[],
): AutoHealPolicy | undefined {
  return policies.find((p) => covers(p, finding) && offered(p, finding) !== undefined);
}

export interface Candidate {
  readonly policy: AutoHealPolicy;
  readonly finding: Finding;
  readonly action: Action;
  /** What the limit counts: the finding's dedup key (one problem, e.g. BDL box scores of 2026-01-19). */
  readonly subject: string;
}

/** Every (policy, finding) pair a policy covers, with the action it would take. */
export function candidates(findings: readonly Finding[], policies: readonly AutoHealPolicy[]): Candidate[] {
  const out: Candidate[] = [];
  for (const policy of policies)
    for (const finding of findings) {
      if (!covers(policy, finding)) continue;
      const action = offered(policy, finding);
      if (action) out.push({ policy, finding, action, subject: finding.key });
    }
  return out;
}

export const stateKey = (policy: string, subject: string) => `${policy}|${subject}`;

export interface AutoHealState {
  /** Automatic actions already taken today (ET), by stateKey(policy, subject). */
  readonly takenToday: ReadonlyMap<string, number>;
  /** stateKey(policy, subject) whose target is still being worked on (a retry cycle, a backfill running). */
  readonly inProgress: ReadonlySet<string>;
  /** Finding keys whose open incident has auto-heal paused (the "Pause auto-heal" button). */
  readonly paused: ReadonlySet<string>;
}

export type SkipReason = 'paused' | 'quiet_hours' | 'too_recent' | 'in_progress' | 'limit' | 'covered';

export interface Planned extends Candidate {
  /** ET day the limit counts in. */
  readonly day: string;
  /** 1 for the subject's first automatic action of the day, 2 for the second… */
  readonly ordinal: number;
}

export interface Skipped extends Candidate {
  readonly reason: SkipReason;
  readonly detail: string;
}

export interface AutoHealDecision {
  readonly take: readonly Planned[];
  readonly skipped: readonly Skipped[];
}

/** When the gap of a date is `minAgeHours` old: that long after the date ends in ET. */
const oldEnough = (date: string, minAgeHours: number, now: Date) =>
  etInstant(addDays(date, 1), '00:00').getTime() + hours(minAgeHours) <= now.getTime();

/** The action narrowed to dates old enough (a backfill keeps its older dates), or undefined when none is. */
function agedAction(action: Action, minAgeHours: number, now: Date): Action | undefined {
  if (minAgeHours <= 0) return action;
  if (action.kind === 'retry') return oldEnough(action.date, minAgeHours, now) ? action : undefined;
  if (action.kind === 'backfill') {
    let until = action.until;
    while (until >= action.from && !oldEnough(until, minAgeHours, now)) until = addDays(until, -1);
    return until >= action.from ? { ...action, until } : undefined;
  }
  return action;
}

/**
 * A backfill without the dates an earlier backfill of this run already scrapes (trimmed at both ends; several
 * teams usually miss the same night), or undefined when they cover it all.
 */
function uncovered(action: Action, planned: ReadonlyMap<string, Set<string>>): Action | undefined {
  if (action.kind !== 'backfill') return action;
  const dates = planned.get(action.scraper);
  if (!dates) return action;
  let { from, until } = action;
  while (from <= until && dates.has(from)) from = addDays(from, 1);
  while (until >= from && dates.has(until)) until = addDays(until, -1);
  return from <= until ? { ...action, from, until } : undefined;
}

/**
 * What to do automatically after a check run. A person's pause wins over everything; during quiet hours
 * nothing new starts (the findings are still there at the first run after the window, which acts then);
 * a gap younger than the policy's minimum age waits; a subject whose retry or backfill is still running is
 * left to it; at most `maxPerSubjectPerDay` actions per (policy, subject) per ET day; and a backfill does
 * not scrape again dates another backfill of the same run covers.
 */
export function decideAutoHeal(
  findings: readonly Finding[],
  policies: readonly AutoHealPolicy[],
  state: AutoHealState,
  now: Date,
  quietHours: QuietHours | null = null,
): AutoHealDecision {
  const day = etDate(now);
  const quiet = inQuietHours(quietHours, now);
  const take: Planned[] = [];
  const skipped: Skipped[] = [];
  /** Dates each scraper is backfilled for by the actions taken so far in this run. */
  const backfilling = new Map<string, Set<string>>();
  for (const c of candidates(findings, policies)) {
    const key = stateKey(c.policy.name, c.subject);
    const taken = state.takenToday.get(key) ?? 0;
    const skip = (reason: SkipReason, detail: string) => skipped.push({ ...c, reason, detail });
    if (state.paused.has(c.finding.key)) {
      skip('paused', 'auto-heal is paused for this incident');
      continue;
    }
    if (quiet) {
      skip('quiet_hours', `quiet hours ${quietHours?.text} ET`);
      continue;
    }
    const action = agedAction(c.action, c.policy.minAgeHours, now);
    if (!action) {
      skip('too_recent', `the gap is not ${c.policy.minAgeHours} h old yet`);
      continue;
    }
    if (state.inProgress.has(key)) {
      skip('in_progress', 'its previous action is still running');
      continue;
    }
    if (taken >= c.policy.maxPerSubjectPerDay) {
      skip('limit', `${taken} of ${c.policy.maxPerSubjectPerDay} automatic actions today`);
      continue;
    }
    const needed = uncovered(action, backfilling);
    if (!needed) {
      skip('covered', 'another backfill of this run scrapes the same dates');
      continue;
    }
    if (needed.kind === 'backfill') {
      const dates = backfilling.get(needed.scraper) ?? new Set<string>();
      for (let d = needed.from; d <= needed.until; d = addDays(d, 1)) dates.add(d);
      backfilling.set(needed.scraper, dates);
    }
    take.push({ ...c, action: needed, day, ordinal: taken + 1 });
  }
  return { take, skipped };
}
