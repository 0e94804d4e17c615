// The snooze choices an alert offers, in one place: the wire value, the label people see, and when the
// snooze ends (a pure function of now).
import { addDays, etDate, etInstant, hoursAfter } from '../jobs/time.js';

/** When the morning snooze ends: the pipeline's morning review, before the props go live. */
const MORNING_ET = '06:00';

export const SNOOZES = {
  '1h': { label: 'Snooze 1 h', until: (now: Date) => hoursAfter(now, 1) },
  '4h': { label: 'Snooze 4 h', until: (now: Date) => hoursAfter(now, 4) },
  tomorrow: {
    label: `Snooze until tomorrow ${MORNING_ET} ET`,
    until: (now: Date) => etInstant(addDays(etDate(now), 1), MORNING_ET),
  },
} as const satisfies Record<string, { label: string; until(now: Date): Date }>;

export type SnoozeDuration = keyof typeof SNOOZES;
export const SNOOZE_DURATIONS = Object.keys(SNOOZES) as [SnoozeDuration, ...SnoozeDuration[]];

/** When a snooze of this duration, started now, ends. */
export const snoozeUntil = (duration: SnoozeDuration, now: Date): Date => SNOOZES[duration].until(now);
