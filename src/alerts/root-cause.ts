import type { Finding } from '../jobs/finding.js';

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
  phase3_completion: ['data_freshness', 'prediction_volume', 'grading_coverage'],
  data_freshness: ['prediction_volume'],
  prediction_volume: ['grading_coverage'],
};

/** True when `upstream`'s check is (transitively) a cause of `downstream`'s check. */
export function canExplain(upstream: string, downstream: string, seen = new Set<string>()): boolean {
  if (seen.has(upstream)) return false;
  seen.add(upstream);
  const direct = EXPLAINS[upstream] ?? [];
  return direct.includes(downstream) || direct.some((next) => canExplain(next, downstream, seen));
}

/**
 * Two findings are about the same thing when they concern the same date; a finding with no date
 * (a breaker that is open now) relates to whatever its cause is dated.
 */
function sameOccasion(root: Finding, other: Finding): boolean {
  return (
    root.subject.date === undefined ||
    other.subject.date === undefined ||
    root.subject.date === other.subject.date
  );
}

/**
 * For each finding, the key of the finding it should be threaded under (its most upstream cause among
 * `candidates`), or undefined when it stands as a root. Deterministic: ties break by key.
 */
export function assignRoots(
  findings: readonly Finding[],
  candidates: readonly Finding[] = findings,
): Map<string, string> {
  const roots = new Map<string, string>();
  for (const finding of findings) {
    const causes = candidates.filter(
      (c) => c.key !== finding.key && canExplain(c.check, finding.check) && sameOccasion(c, finding),
    );
    // The most upstream cause is one that nothing else among the causes explains.
    const top = causes
      .filter((c) => !causes.some((other) => other.key !== c.key && canExplain(other.check, c.check)))
      .sort((a, b) => a.key.localeCompare(b.key))[0];
    if (top) roots.set(finding.key, top.key);
  }
  return roots;
}
