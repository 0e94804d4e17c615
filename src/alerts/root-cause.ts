import { type Finding, SEVERITIES, type Severity } from '../jobs/finding.js';

/**
 * Which check's finding can explain which downstream check's finding (the pipeline's data flow,
 * docs/pipeline.md#how-problems-cascade): BDL short → boxscores incomplete → entity breakers trip →
 * predictions thin; a stale or missing phase 3 → stale predictions → thin predictions → grading coverage low.
 * Scraper gaps and proxy breakers are left out on purpose: a gap in bp_events explains nothing about
 * boxscores, and grouping on a guess would hide a real alert.
 */
const EXPLAINS: Readonly<Record<string, readonly string[]>> = {
  source_discrepancy: ['boxscore_completeness', 'circuit_breakers', 'prediction_volume'],
  boxscore_completeness: ['circuit_breakers', 'prediction_volume'],
  circuit_breakers: ['prediction_volume'],
  phase3_completion: ['data_freshness', 'phase3_data_stale', 'prediction_volume', 'grading_coverage'],
  data_freshness: ['prediction_volume'],
  phase3_data_stale: ['prediction_volume'],
  prediction_volume: ['grading_coverage'],
};

/** True when `upstream`'s check is (transitively) a cause of `downstream`'s check. */
export function canExplain(upstream: string, downstream: string, seen = new Set<string>()): boolean {
  if (seen.has(upstream)) return false;
  seen.add(upstream);
  const direct = EXPLAINS[upstream] ?? [];
  return direct.includes(downstream) || direct.some((next) => canExplain(next, downstream, seen));
}

/** Facts that name the dates a finding concerns when its subject has none (missing games, breakers' analyses). */
const DATE_FACTS = ['missing_dates', 'analysis_dates', 'gap_dates', 'date'] as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The dates a finding concerns: its subject's date, else the dates its facts name (`missing_dates`,
 * `analysis_dates`, …). Empty when it names none (nothing ties it to an occasion).
 */
export function datesOf(finding: Finding): string[] {
  if (finding.subject.date) return [finding.subject.date];
  const dates = new Set<string>();
  for (const name of DATE_FACTS) {
    const value = finding.facts[name];
    for (const v of Array.isArray(value) ? value : [value])
      if (typeof v === 'string' && ISO_DATE.test(v)) dates.add(v);
  }
  return [...dates].sort();
}

const rank = (s: Severity) => SEVERITIES.length - SEVERITIES.indexOf(s);

/**
 * Whether `root` may carry `child` in its thread (docs/pipeline.md#how-problems-cascade): its check explains
 * the child's, it concerns every date the child concerns (a cause dated 01-14 explains nothing about a
 * box score missing for 01-19; a finding with no dates is tied to no cause), and it is at least as severe
 * (a critical alert is never hidden under a lesser one). Whether the root is still open is the caller's:
 * it passes open roots only.
 */
export function canCarry(root: Finding, child: Finding): boolean {
  if (root.key === child.key || !canExplain(root.check, child.check)) return false;
  if (rank(root.severity) < rank(child.severity)) return false;
  const rootDates = new Set(datesOf(root));
  const childDates = datesOf(child);
  return childDates.length > 0 && childDates.every((d) => rootDates.has(d));
}

/**
 * For each finding, the key of the finding it should be threaded under (its most upstream cause among
 * `candidates`, which must be the roots still open after this run), or undefined when it stands as a root.
 * Deterministic: ties break by key.
 */
export function assignRoots(
  findings: readonly Finding[],
  candidates: readonly Finding[] = findings,
): Map<string, string> {
  const roots = new Map<string, string>();
  for (const finding of findings) {
    const causes = candidates.filter((c) => canCarry(c, finding));
    // The most upstream cause is one that nothing else among the causes explains.
    const top = causes
      .filter((c) => !causes.some((other) => other.key !== c.key && canExplain(other.check, c.check)))
      .sort((a, b) => a.key.localeCompare(b.key))[0];
    if (top) roots.set(finding.key, top.key);
  }
  return roots;
}
