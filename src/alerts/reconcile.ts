import { type Finding, SEVERITIES, type Severity } from '../jobs/finding.js';
import { groupCarrying, groupFanOut } from './fan-out.js';
import { assignRoots } from './root-cause.js';

/** What reconciliation needs to know of an open incident (the store holds more). */
export interface OpenIncidentSnapshot {
  readonly id: string;
  readonly key: string;
  readonly check: string;
  readonly severity: Severity;
  readonly finding: Finding;
  readonly snoozedUntil: Date | undefined;
}

export interface ReconcileInput {
  /** Every finding of this run, `check_failed` ones included. */
  readonly findings: readonly Finding[];
  /** The checks this run attempted; only their incidents can resolve. */
  readonly checksRan: readonly string[];
  readonly open: readonly OpenIncidentSnapshot[];
  readonly now: Date;
}

export type Decision =
  | {
      readonly kind: 'open';
      readonly finding: Finding;
      /** Thread this incident under the root's message (an open incident's key or one opened in this run). */
      readonly rootKey: string | undefined;
    }
  | {
      readonly kind: 'update';
      readonly incidentId: string;
      readonly finding: Finding;
      /** Severity went up: worth a thread reply, unless the incident is snoozed. */
      readonly escalated: boolean;
      readonly notify: boolean;
    }
  | {
      readonly kind: 'resolve';
      readonly incidentId: string;
      readonly key: string;
      /** Not fixed: its subject is now listed in this group alert (src/alerts/fan-out.ts). */
      readonly groupedInto?: string;
    };

const rank = (s: Severity) => SEVERITIES.length - SEVERITIES.indexOf(s);

export function isSnoozed(incident: Pick<OpenIncidentSnapshot, 'snoozedUntil'>, now: Date): boolean {
  return incident.snoozedUntil !== undefined && incident.snoozedUntil.getTime() > now.getTime();
}

/**
 * Pure lifecycle decision for one run: a new key opens an incident, a known key updates its incident in
 * place, and an open incident whose key is gone resolves — but only if its check ran and did not fail
 * in this run (a check that could not run says nothing about whether its problems are fixed).
 * Opens come roots-first so a child can be threaded under a root opened in the same run.
 */
export function reconcile(raw: ReconcileInput): Decision[] {
  // One alert per shared cause: a check's per-subject findings become group findings first.
  const input = { ...raw, findings: groupFanOut(raw.findings) };
  const openByKey = new Map(input.open.map((i) => [i.key, i]));
  const foundKeys = new Set(input.findings.map((f) => f.key));
  const failedChecks = new Set(
    input.findings.filter((f) => f.check === 'check_failed').map((f) => f.subject.check),
  );
  const ranCleanly = (check: string) => input.checksRan.includes(check) && !failedChecks.has(check);

  const newFindings = input.findings.filter((f) => !openByKey.has(f.key));
  const resolving = input.open.filter(
    (incident) => !foundKeys.has(incident.key) && ranCleanly(checkOf(incident)),
  );
  const resolvingIds = new Set(resolving.map((i) => i.id));
  // Roots are what is open after this run: this run's findings (as seen now) and the open incidents this
  // run neither saw nor resolves (their check did not run). A resolved or recovered alert carries nothing
  // new (docs/pipeline.md#how-problems-cascade); a finding already open keeps its placement.
  const stillOpen = input.open.filter((i) => !foundKeys.has(i.key) && !resolvingIds.has(i.id));
  const roots = assignRoots(newFindings, [
    ...input.findings,
    ...stillOpen.map((i) => ({ ...i.finding, severity: i.severity })),
  ]);

  const opens: Decision[] = newFindings.map((finding) => ({
    kind: 'open',
    finding,
    rootKey: roots.get(finding.key),
  }));
  const isChild = (d: Decision) => d.kind === 'open' && d.rootKey !== undefined;
  opens.sort((a, b) => Number(isChild(a)) - Number(isChild(b)));

  const updates: Decision[] = input.findings.flatMap((finding) => {
    const incident = openByKey.get(finding.key);
    if (!incident) return [];
    const escalated = rank(finding.severity) > rank(incident.severity);
    return [
      {
        kind: 'update',
        incidentId: incident.id,
        finding,
        escalated,
        notify: escalated && !isSnoozed(incident, input.now),
      },
    ];
  });

  // An incident whose subject a group alert now lists is not fixed: it is resolved as grouped into it (the
  // first run after grouping began migrates incidents opened per subject this way).
  const resolves: Decision[] = resolving.map((incident) => {
    const groupedInto = groupCarrying(incident.finding, input.findings);
    return {
      kind: 'resolve',
      incidentId: incident.id,
      key: incident.key,
      ...(groupedInto ? { groupedInto } : {}),
    };
  });

  return [...opens, ...updates, ...resolves];
}

/** The check whose clean run can resolve this incident: a check_failed incident belongs to the failed check. */
function checkOf(incident: OpenIncidentSnapshot): string {
  if (incident.check !== 'check_failed') return incident.check;
  return incident.finding.subject.check ?? incident.key.replace(/^check_failed:/, '');
}
