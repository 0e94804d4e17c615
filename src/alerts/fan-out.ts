// Fan-out grouping (docs/pipeline.md#how-problems-cascade), as Alertmanager's `group_by` does: a check's
// findings for many subjects that share one cause (seven teams missing box scores for the same nights)
// become one alert listing the subjects, updated in place as subjects come and go. Pure.
import {
  type Action,
  type FactValue,
  type Finding,
  findingKey,
  SEVERITIES,
  type Subject,
} from '../jobs/finding.js';

/** How one check's findings are grouped. */
export interface FanOutSpec {
  readonly check: string;
  /** The subject field naming a member (e.g. `team`); a finding without it is left alone. */
  readonly member: keyof Subject;
  /** The fact of the group finding listing its members (e.g. `teams`). */
  readonly membersFact: string;
  /**
   * The shared cause, as a key part: findings with the same one become one alert. Derived from what the
   * problem is (e.g. the missing dates), never from timestamps or counts, so the group keeps its key while
   * members come and go. Undefined: the finding stands alone.
   */
  readonly cause: (finding: Finding) => string | undefined;
  /** The group's title and facts from its members (sorted by member, at least one). */
  readonly describe: (
    members: readonly Finding[],
    names: readonly string[],
  ) => { readonly title: string; readonly facts: Record<string, FactValue> };
}

/** The dedup key of a check's group for one cause: `<check>:group:<cause>`. */
export const groupKey = (check: string, cause: string) => findingKey(check, 'group', cause);

const rank = (s: Finding['severity']) => SEVERITIES.length - SEVERITIES.indexOf(s);

/**
 * Replace the findings `specs` group by one finding per (check, cause): the most severe member's severity,
 * the members listed in `membersFact`, every member's distinct actions (in member order), dates in its facts
 * for root-cause threading. Always grouped, even for one member, so the key does not change as members come
 * and go. Other findings pass through in place; a group takes its first member's place. Idempotent.
 */
export function groupFanOut(findings: readonly Finding[], specs: readonly FanOutSpec[] = FAN_OUT): Finding[] {
  const specOf = new Map(specs.map((s) => [s.check, s]));
  const groups = new Map<string, { spec: FanOutSpec; cause: string; members: Finding[] }>();
  const out: (Finding | string)[] = [];
  for (const finding of findings) {
    const spec = specOf.get(finding.check);
    const name = spec ? finding.subject[spec.member] : undefined;
    const cause = spec && name !== undefined ? spec.cause(finding) : undefined;
    if (!spec || cause === undefined) {
      out.push(finding);
      continue;
    }
    const key = groupKey(finding.check, cause);
    const group = groups.get(key);
    if (group) group.members.push(finding);
    else {
      groups.set(key, { spec, cause, members: [finding] });
      out.push(key);
    }
  }
  return out.map((item) => {
    if (typeof item !== 'string') return item;
    const group = groups.get(item);
    if (!group) throw new Error(`no group ${item}`);
    return groupFinding(item, group.spec, group.members);
  });
}

function groupFinding(key: string, spec: FanOutSpec, unsorted: readonly Finding[]): Finding {
  const nameOf = (f: Finding) => String(f.subject[spec.member] ?? '');
  const members = [...unsorted].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  const names = [...new Set(members.map(nameOf))];
  const severity = members.reduce(
    (worst, f) => (rank(f.severity) > rank(worst) ? f.severity : worst),
    members[0]?.severity ?? 'info',
  );
  const actions = mergeActions(members.flatMap((f) => f.actions));
  const { title, facts } = spec.describe(members, names);
  return {
    check: spec.check,
    key,
    severity,
    title,
    subject: {},
    facts: { [spec.membersFact]: names, ...facts },
    actions,
  };
}

/** Every member's actions, each once (members sharing a cause usually offer the same backfill). */
function mergeActions(all: readonly Action[]): Action[] {
  const out: Action[] = [];
  const seen = new Set<string>();
  for (const action of all) {
    const id = JSON.stringify(action);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(action);
  }
  return out;
}

/**
 * The group alert of this run that now carries a subject of an open incident whose key is gone: a
 * per-subject incident opened before grouping (the migration), or a group whose members all moved to
 * another group (their dates changed). The group's key, or undefined (the incident really resolved).
 */
export function groupCarrying(
  incident: Finding,
  findings: readonly Finding[],
  specs: readonly FanOutSpec[] = FAN_OUT,
): string | undefined {
  const spec = specs.find((s) => s.check === incident.check);
  if (!spec) return undefined;
  const listedIn = (f: Finding): string[] => {
    const listed = f.facts[spec.membersFact];
    return Array.isArray(listed) ? listed.map(String) : [];
  };
  const own = incident.subject[spec.member];
  const names = own !== undefined ? [own] : listedIn(incident);
  const prefix = `${findingKey(spec.check, 'group')}:`;
  return findings.find(
    (f) => f.check === spec.check && f.key.startsWith(prefix) && listedIn(f).some((n) => names.includes(n)),
  )?.key;
}

const datesFact = (f: Finding, name: string): string[] => {
  const v = f.facts[name];
  return Array.isArray(v) ? v.map(String) : [];
};

/** "CLE, MIL, PHI, UTA, WAS and 2 more" */
function listNames(names: readonly string[], shown = 5): string {
  if (names.length <= shown + 1) return names.join(', ');
  return `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

/**
 * boxscore_completeness (one finding per team): teams whose newest missing box score is for the same night
 * share its cause (the scraper missed that night's games, docs/pipeline.md#missing-team-box-scores): one
 * alert keyed by that night, critical when it is last night. Its one backfill covers every team's gaps.
 */
export const BOXSCORE_FAN_OUT: FanOutSpec = {
  check: 'boxscore_completeness',
  member: 'team',
  membersFact: 'teams',
  cause: (f) => {
    const newest = datesFact(f, 'missing_dates').sort().at(-1);
    return newest ? `last-missing:${newest}` : undefined;
  },
  describe: (members, names) => {
    const first = members[0] as Finding;
    const dates = [...new Set(members.flatMap((m) => datesFact(m, 'missing_dates')))].sort();
    const newest = dates.at(-1) ?? '';
    const latest = String(first.facts.latest_final_date ?? newest);
    const latestMissing = members.some((m) => m.facts.latest_missing === true);
    const title =
      members.length === 1
        ? first.title
        : latestMissing
          ? `${names.length} teams have no box score for ${latest}: ${listNames(names)}`
          : `${names.length} teams under ${first.facts.minimum_pct}% box-score coverage, last missing ${newest}: ${listNames(names)}`;
    return {
      title,
      facts: {
        team_count: names.length,
        missing_dates: dates,
        latest_final_date: latest,
        latest_missing: latestMissing,
        coverage: members.map((m) => `${m.subject.team} ${m.facts.coverage_pct}% of ${m.facts.final_games}`),
        missing_game_ids: [...new Set(members.flatMap((m) => datesFact(m, 'missing_game_ids')))].sort(),
        minimum_pct: first.facts.minimum_pct ?? null,
      },
    };
  },
};

/** The checks whose findings are grouped. */
export const FAN_OUT: readonly FanOutSpec[] = [BOXSCORE_FAN_OUT];
