// The few recovery texts the views (src/views/thread.ts) do not have: answers to the person who clicked.
import type { TimeFormatter } from '../views/format.js';
import { escapeMrkdwn, formatWhen } from '../views/format.js';

export interface EphemeralText {
  readonly text: string;
}

/** A second Retry on an item in progress: it joins the item, nothing new is scheduled. */
export function alreadyScheduledText(input: {
  readonly name: string;
  readonly date: string;
  readonly attempt: number;
  readonly maxRetries: number;
  readonly at: Date | null;
  readonly running: boolean;
  readonly now: Date;
  readonly fmt: TimeFormatter;
}): EphemeralText {
  const what = `${escapeMrkdwn(input.name)} ${input.date}`;
  const when = input.running
    ? `attempt ${input.attempt}/${input.maxRetries} is running now`
    : `attempt ${input.attempt}/${input.maxRetries} is scheduled${input.at ? ` ${formatWhen(input.fmt, input.at, input.now)}` : ''}`;
  return { text: `A retry for ${what} is already in progress: ${when}. Nothing new was scheduled.` };
}

export function scheduledText(input: {
  readonly name: string;
  readonly date: string;
  readonly at: Date;
  readonly now: Date;
  readonly fmt: TimeFormatter;
}): EphemeralText {
  return {
    text: `Retry for ${escapeMrkdwn(input.name)} ${input.date} scheduled ${formatWhen(input.fmt, input.at, input.now)}; the outcome will be posted in the alert's thread.`,
  };
}
