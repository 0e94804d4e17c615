// The replay's scorecard: every alert the bot opened scored against the scenario's truth (pure). Per truth
// incident: detected or missed, first alert and its delay after the problem became observable, severity,
// the messages it caused, when it resolved, whether a critical alert of it was visible only inside a
// thread. Per alert that concerns no truth incident: a false positive. Then the totals.
import type { Severity } from '../jobs/finding.js';
import { addDays, dateRange, etClock, etDate, etInstant } from '../jobs/time.js';
import { matchSignal, openBefore, type TruthIncident } from '../sim/truth.js';
import type { RecordedPost } from './chat.js';
import type { ReplayAlert, ReplayRun } from './run.js';

export interface IncidentScore {
  readonly id: string;
  readonly kind: string;
  /** Expected behaviour: nothing should fire, and recall leaves it out. */
  readonly expected: boolean;
  readonly detected: boolean;
  /** Required signals (check and subject) no alert matched. */
  readonly missing: readonly string[];
  readonly observableAt: string;
  readonly firstAlertAt: string | null;
  readonly delayMinutes: number | null;
  /**
   * Shown only by an alert already open before it became observable (same check and subject, kept open by
   * it): detected, with no delay of its own (left out of the delay percentiles).
   */
  readonly alreadyOpen: boolean;
  readonly severity: Severity | null;
  readonly alerts: readonly string[];
  readonly topLevel: number;
  readonly replies: number;
  /** When its last alert resolved; null while any is open (or none fired). */
  readonly resolvedAt: string | null;
  readonly endsAt: string | null;
  readonly buriedCritical: boolean;
}

export interface FalsePositive {
  readonly alert: string;
  readonly check: string;
  readonly title: string;
  readonly severity: Severity;
  readonly firstSeen: string;
}

export interface Totals {
  readonly incidents: number;
  readonly detected: number;
  /** Detected / incidents (expected behaviour left out); 1 when there is nothing to detect. */
  readonly recall: number;
  readonly alerts: number;
  readonly truePositives: number;
  /** Alerts concerning a true incident or its true downstream consequence / all alerts. */
  readonly precision: number;
  readonly delayP50Minutes: number | null;
  readonly delayP95Minutes: number | null;
  /** Alert messages shown in the channel (top level, or replies also sent to it) per ET day; the digest is not counted. */
  readonly topLevelPerDay: { readonly mean: number; readonly max: number };
  readonly topLevelOnIncidentDays: { readonly days: number; readonly mean: number };
  readonly topLevelOnCleanDays: { readonly days: number; readonly total: number; readonly max: number };
  /** Alert messages (top level and replies) per detected incident. */
  readonly messagesPerIncident: number;
  /** Alert messages posted 23:00-06:00 ET (top level and replies). */
  readonly overnightMessages: number;
  readonly buriedCriticals: number;
  readonly queriesPerDay: { readonly mean: number; readonly max: number };
}

export interface Scorecard {
  readonly scenario: string;
  readonly seed: number;
  readonly from: string;
  readonly until: string;
  readonly incidents: readonly IncidentScore[];
  readonly falsePositives: readonly FalsePositive[];
  readonly totals: Totals;
  readonly seconds: number;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2, critical: 3 };
/** An incident id ends in `#<n>`; a reply's intent is `reply:<incident id>:<what>`. */
const REPLY_INTENT = /^reply:(.*?#\d+):/;

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] as number;
}

/** The incident a post belongs to: its intent names it, else the thread it is in. */
function owners(run: ReplayRun): Map<RecordedPost, ReplayAlert | undefined> {
  const byId = new Map(run.alerts.map((a) => [a.id, a]));
  const byTs = new Map(run.alerts.flatMap((a) => (a.message ? [[a.message.ts, a] as const] : [])));
  const out = new Map<RecordedPost, ReplayAlert | undefined>();
  for (const post of run.posts) {
    if (post.intentId.startsWith('digest:')) continue;
    const named = post.intentId.startsWith('post:')
      ? byId.get(post.intentId.slice('post:'.length))
      : post.intentId.startsWith('reply:')
        ? byId.get(REPLY_INTENT.exec(post.intentId)?.[1] ?? '')
        : undefined;
    out.set(post, named ?? (post.threadTs ? byTs.get(post.threadTs) : undefined));
  }
  return out;
}

export function score(run: ReplayRun): Scorecard {
  const start = run.start.getTime();
  const end = run.end.getTime();
  const alerts = run.alerts.filter((a) => a.firstSeen.getTime() >= start && a.firstSeen.getTime() < end);
  // Each alert belongs to the first truth incident it matches (scenario order); it counts as detecting
  // every incident whose required signal it is.
  const truthOf = new Map<string, TruthIncident>();
  const detecting = new Map<string, { alert: ReplayAlert; required: boolean }[]>();
  for (const alert of alerts) {
    for (const t of run.truth) {
      const signal = matchSignal(t, alert);
      if (!signal) continue;
      if (!truthOf.has(alert.id)) truthOf.set(alert.id, t);
      detecting.set(t.id, [...(detecting.get(t.id) ?? []), { alert, required: signal.required }]);
    }
  }
  const owner = owners(run);
  const postsOf = new Map<string, RecordedPost[]>();
  for (const [post, alert] of owner) {
    const t = alert && truthOf.get(alert.id);
    if (t) postsOf.set(t.id, [...(postsOf.get(t.id) ?? []), post]);
  }
  const ownPost = new Map<string, RecordedPost>();
  for (const post of run.posts)
    if (post.intentId.startsWith('post:')) ownPost.set(post.intentId.slice('post:'.length), post);
  const buried = (a: ReplayAlert) => {
    const p = ownPost.get(a.id);
    return a.severity === 'critical' && p !== undefined && p.threadTs !== undefined && !p.broadcast;
  };
  const shown = (p: RecordedPost) => p.threadTs === undefined || p.broadcast;

  // Scored: the incidents that become observable inside the window (earlier ones only make alerts true).
  const active = run.truth.filter(
    (t) => Date.parse(t.observableAt) >= start && Date.parse(t.observableAt) < end,
  );
  const incidents: IncidentScore[] = active.map((t) => {
    const matched = detecting.get(t.id) ?? [];
    const mine = matched.map((m) => m.alert);
    const first = mine
      .filter((a) => !openBefore(t, a))
      .reduce<ReplayAlert | undefined>((f, a) => (!f || a.firstSeen < f.firstSeen ? a : f), undefined);
    const missing = t.signals
      .filter((s) => s.required)
      .filter((s) => !mine.some((a) => matchSignal({ ...t, signals: [s] }, a)))
      .map((s) => `${s.check}(${Object.values(s.subject).join(', ')})`);
    const posts = postsOf.get(t.id) ?? [];
    const severity = mine.reduce<Severity | null>(
      (m, a) => (m === null || RANK[a.severity] > RANK[m] ? a.severity : m),
      null,
    );
    const open = mine.some((a) => a.resolvedAt === null);
    const resolved = mine.map((a) => a.resolvedAt?.getTime() ?? 0);
    return {
      id: t.id,
      kind: t.kind,
      expected: t.expected,
      detected: matched.some((m) => m.required),
      missing,
      observableAt: t.observableAt,
      firstAlertAt: first ? first.firstSeen.toISOString() : null,
      delayMinutes: first
        ? Math.max(0, Math.round((first.firstSeen.getTime() - Date.parse(t.observableAt)) / 60_000))
        : null,
      alreadyOpen: !first && mine.length > 0,
      severity,
      alerts: [...new Set(mine.map((a) => a.id))],
      topLevel: posts.filter(shown).length,
      replies: posts.filter((p) => !shown(p)).length,
      resolvedAt: open || mine.length === 0 ? null : new Date(Math.max(...resolved)).toISOString(),
      endsAt: t.endsAt,
      buriedCritical: mine.some(buried),
    };
  });

  const falsePositives: FalsePositive[] = alerts
    .filter((a) => !truthOf.has(a.id))
    .map((a) => ({
      alert: a.id,
      check: a.check,
      title: a.title,
      severity: a.severity,
      firstSeen: a.firstSeen.toISOString(),
    }));

  const scored = incidents.filter((i) => !i.expected);
  const detected = scored.filter((i) => i.detected);
  const delays = detected.flatMap((i) => (i.delayMinutes === null ? [] : [i.delayMinutes]));
  const days = dateRange(run.from, addDays(run.until, 1));
  const alertPosts = [...owner.keys()];
  const perDay = new Map(days.map((d) => [d, 0]));
  for (const p of alertPosts.filter(shown)) {
    const d = etDate(p.at);
    if (perDay.has(d)) perDay.set(d, (perDay.get(d) ?? 0) + 1);
  }
  const incidentDay = (d: string) =>
    active.some(
      (t) =>
        Date.parse(t.observableAt) < etInstant(addDays(d, 1), '00:00').getTime() &&
        (t.endsAt === null ? Date.parse(t.matchUntil) : Date.parse(t.endsAt)) >=
          etInstant(d, '00:00').getTime(),
    );
  const counts = (ds: string[]) => ds.map((d) => perDay.get(d) ?? 0);
  const onIncident = counts(days.filter(incidentDay));
  const onClean = counts(days.filter((d) => !incidentDay(d)));
  const all = counts(days);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const queries = Object.values(run.queriesPerDay);
  const tp = alerts.length - falsePositives.length;
  const overnight = alertPosts.filter((p) => {
    const clock = etClock(p.at);
    return clock >= '23:00' || clock < '06:00';
  }).length;
  return {
    scenario: run.scenario,
    seed: run.seed,
    from: run.from,
    until: run.until,
    incidents,
    falsePositives,
    totals: {
      incidents: scored.length,
      detected: detected.length,
      recall: scored.length ? detected.length / scored.length : 1,
      alerts: alerts.length,
      truePositives: tp,
      precision: alerts.length ? tp / alerts.length : 1,
      delayP50Minutes: percentile(delays, 50),
      delayP95Minutes: percentile(delays, 95),
      topLevelPerDay: { mean: mean(all), max: Math.max(0, ...all) },
      topLevelOnIncidentDays: { days: onIncident.length, mean: mean(onIncident) },
      topLevelOnCleanDays: {
        days: onClean.length,
        total: onClean.reduce((a, b) => a + b, 0),
        max: Math.max(0, ...onClean),
      },
      messagesPerIncident: detected.length
        ? detected.reduce((s, i) => s + i.topLevel + i.replies, 0) / detected.length
        : 0,
      overnightMessages: overnight,
      buriedCriticals: incidents.filter((i) => i.buriedCritical).length,
      queriesPerDay: { mean: Math.round(mean(queries)), max: Math.max(0, ...queries) },
    },
    seconds: run.elapsedMs / 1000,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const dur = (m: number | null) => (m === null ? '—' : m < 60 ? `${m} min` : `${(m / 60).toFixed(1)} h`);

/** The scorecard as a terminal table: one line per truth incident, the false positives, the totals. */
export function formatScorecard(card: Scorecard): string {
  const lines: string[] = [];
  lines.push(`scorecard: scenario ${card.scenario}, seed ${card.seed}, ${card.from} → ${card.until}`);
  const head = [
    'incident',
    'detected',
    'first alert (ET)',
    'delay',
    'severity',
    'top',
    'replies',
    'resolved',
    'buried',
  ];
  const rows = card.incidents.map((i) => [
    i.id,
    i.expected
      ? i.alerts.length
        ? 'FIRED'
        : 'quiet (ok)'
      : i.detected
        ? i.missing.length
          ? 'partly'
          : 'yes'
        : 'MISSED',
    i.firstAlertAt ? `${etDate(new Date(i.firstAlertAt))} ${etClock(new Date(i.firstAlertAt))}` : '—',
    i.alreadyOpen ? 'open before' : dur(i.delayMinutes),
    i.severity ?? '—',
    String(i.topLevel),
    String(i.replies),
    i.resolvedAt ? etDate(new Date(i.resolvedAt)) : i.alerts.length ? 'open' : '—',
    i.buriedCritical ? 'BURIED' : '',
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (r: string[]) =>
    r
      .map((x, c) => x.padEnd(widths[c] as number))
      .join('  ')
      .trimEnd();
  lines.push(line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line));
  for (const i of card.incidents)
    if (i.detected && i.missing.length) lines.push(`  ${i.id}: no alert for ${i.missing.join('; ')}`);
  lines.push('', `false positives: ${card.falsePositives.length}`);
  for (const f of card.falsePositives)
    lines.push(`  ${etDate(new Date(f.firstSeen))} ${f.check} (${f.severity}): ${f.title}`);
  const t = card.totals;
  lines.push(
    '',
    `recall             ${pct(t.recall)} (${t.detected}/${t.incidents})`,
    `precision          ${pct(t.precision)} (${t.truePositives}/${t.alerts} alerts)`,
    `detection delay    p50 ${dur(t.delayP50Minutes)}, p95 ${dur(t.delayP95Minutes)}`,
    `top-level / day    mean ${t.topLevelPerDay.mean.toFixed(1)}, max ${t.topLevelPerDay.max}; incident days (${t.topLevelOnIncidentDays.days}) mean ${t.topLevelOnIncidentDays.mean.toFixed(1)}; clean days (${t.topLevelOnCleanDays.days}) ${t.topLevelOnCleanDays.total}`,
    `messages/incident  ${t.messagesPerIncident.toFixed(1)}`,
    `overnight (23-06)  ${t.overnightMessages} messages`,
    `buried criticals   ${t.buriedCriticals}`,
    `warehouse queries  ${t.queriesPerDay.mean}/day (max ${t.queriesPerDay.max})`,
    `replay took        ${card.seconds.toFixed(1)} s`,
  );
  return `${lines.join('\n')}\n`;
}
