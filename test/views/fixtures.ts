import type { Finding } from '../../src/jobs/finding.js';
import type { Incident } from '../../src/store/incidents.js';
import { zonedFormatter } from '../../src/views/format.js';
import type { RetryQueueRow, ViewContext } from '../../src/views/types.js';

export const fmt = zonedFormatter();
/** Mon Jan 19 2026, 09:12 ET. */
export const now = new Date('2026-01-19T14:12:00Z');
export const ctx: ViewContext = { now, fmt };
export const HOUR = 3_600_000;

export function finding(extra: Partial<Finding> = {}): Finding {
  return {
    check: 'source_discrepancy',
    key: 'source_discrepancy:bdl_box_scores:2026-01-18',
    severity: 'error',
    title: 'BDL box scores missing 3 of 9 games on 2026-01-18',
    subject: { scraper: 'bdl_box_scores', date: '2026-01-18' },
    facts: { expected_games: 9, bdl_games: 6, missing_teams: ['LAL', 'BOS', 'NYK'] },
    actions: [{ kind: 'retry', scraper: 'bdl_box_scores', date: '2026-01-18' }],
    ...extra,
  };
}

export function incident(extra: Partial<Incident> = {}, f: Finding = finding()): Incident {
  const opened = new Date(now.getTime() - (5 * HOUR + 12 * 60_000));
  return {
    id: `${f.key}#1`,
    key: f.key,
    check: f.check,
    severity: f.severity,
    status: 'open',
    finding: f,
    first_seen: opened,
    last_seen: now,
    seen_count: 4,
    opened_at: opened,
    resolved_at: null,
    previous_incident_id: null,
    root_incident_id: null,
    ack: null,
    snooze_until: null,
    auto_heal_paused: false,
    message: null,
    ...extra,
  };
}

export function retryItem(extra: Partial<RetryQueueRow> = {}): RetryQueueRow {
  return {
    doc_id: 'bdl_box_scores_2026-01-18',
    kind: 'scraper',
    scraper_name: 'bdl_box_scores',
    target_date: '2026-01-18',
    reason: 'source_discrepancy',
    status: 'pending',
    retry_attempts: 1,
    max_retries: 3,
    next_retry_at: new Date(now.getTime() + 2 * HOUR),
    expected_records: 9,
    retry_history: [{ attempt: 1, records_received: 6, result: 'partial', error: null }],
    created_at: new Date(now.getTime() - 5 * HOUR),
    recovered_at: null,
    exhausted_at: null,
    incident_id: 'source_discrepancy:bdl_box_scores:2026-01-18#1',
    ...extra,
  };
}

/** Every action id and button text in a view, for asserting what a person can press. */
export function controls(blocks: readonly unknown[]): { actionIds: string[]; labels: string[] } {
  const actionIds: string[] = [];
  const labels: string[] = [];
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
      return;
    }
    if (typeof x !== 'object' || x === null) return;
    const o = x as Record<string, unknown>;
    if (typeof o.action_id === 'string') {
      actionIds.push(o.action_id);
      const t = o.text as { text?: string } | undefined;
      if (t?.text) labels.push(t.text);
    }
    for (const v of Object.values(o)) visit(v);
  };
  visit(blocks);
  return { actionIds, labels };
}

/** All text a person sees in a view, joined (for `toContain`). */
export function allText(view: { text?: string; blocks: readonly unknown[] }): string {
  const out: string[] = view.text ? [view.text] : [];
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
      return;
    }
    if (typeof x !== 'object' || x === null) return;
    const o = x as Record<string, unknown>;
    if (typeof o.text === 'string') out.push(o.text);
    for (const v of Object.values(o)) visit(v);
  };
  visit(view.blocks);
  return out.join('\n');
}
