// The "Next step" line of an alert: the check's runbook (docs/runbooks/<check>.md, the pipeline team's
// procedure) with the bot's own numbers for this incident: when the retry policy tries next, whether an
// auto-heal policy covers it, and how often this scraper's retries recovered at the first attempt lately.
import type { AlertState } from './alert.js';
import { escapeMrkdwn, formatNumber, formatWhen } from './format.js';
import type { RetryQueueRow, ViewContext } from './types.js';

/** A runbook's steps as mrkdwn (src/pipeline/runbooks.ts reads them from docs/runbooks/). */
export interface RunbookSteps {
  /** What a person does while the alert is open. */
  readonly next: string;
  /** What is left to do once it resolved or recovered (absent: nothing). */
  readonly closed?: string;
}

/** Retries of one scraper or processor that finished in the last `days` days, and those attempt 1 recovered. */
export interface RecoveryRate {
  readonly name: string;
  readonly days: number;
  readonly finished: number;
  readonly atFirstAttempt: number;
}

export interface NextStepInput extends ViewContext {
  readonly state: AlertState;
  readonly runbook?: RunbookSteps;
  readonly retry?: RetryQueueRow;
  readonly autoHealPolicy?: string;
  readonly incident: { readonly auto_heal_paused: boolean };
  readonly recoveryRate?: RecoveryRate;
}

const NO_RUNBOOK = 'Read the facts in Details, then the check in docs/pipeline.md.';
const CLOSED = 'Nothing to do: if it comes back, its new alert links this one.';

/** One mrkdwn line: the runbook's step, then what the bot will do and how that usually goes. */
export function nextStepText(input: NextStepInput): string {
  const { state, runbook, retry } = input;
  if (state === 'grouped') return 'Follow the grouped alert that lists this subject now.';
  if (state === 'resolved' || state === 'recovered') return runbook?.closed ?? CLOSED;
  const parts = [runbook?.next ?? NO_RUNBOOK];
  const when = (d: Date) => formatWhen(input.fmt, d, input.now);
  if (retry?.status === 'pending') {
    parts.push(
      `The retry policy runs attempt ${retry.retry_attempts + 1}/${retry.max_retries} at ${retry.next_retry_at ? when(retry.next_retry_at) : 'the next sweep'}.`,
    );
  } else if (retry?.status === 'retrying') {
    parts.push(`Attempt ${retry.retry_attempts}/${retry.max_retries} is running now.`);
  } else if (retry?.status === 'exhausted') {
    parts.push(`The retry policy gave up after ${retry.retry_attempts} attempts: this needs a person.`);
  } else if (input.autoHealPolicy && !input.incident.auto_heal_paused) {
    parts.push(`Auto-heal (policy ${escapeMrkdwn(input.autoHealPolicy)}) acts on it after a check run.`);
  }
  const rate = input.recoveryRate;
  if (rate && rate.finished > 0) {
    parts.push(
      `${formatNumber(Math.round((rate.atFirstAttempt / rate.finished) * 100))} % of ${escapeMrkdwn(rate.name)} retries recovered at attempt 1 in the last ${rate.days} days (${rate.atFirstAttempt} of ${rate.finished}).`,
    );
  }
  return parts.join(' ');
}
