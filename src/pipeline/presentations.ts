// Which presentation an incident's alert uses: its check's own (declared next to the evaluator), and the two
// kinds of finding no registered check makes: a check that could not run, and the bot's own health.
import type { Presentation } from '../jobs/presentation.js';
import { findCheck } from '../jobs/registry.js';
import { CHECK_FAILED_PRESENTATION } from '../jobs/run-checks.js';
import { SELF_HEALTH_CHECK, SELF_HEALTH_PRESENTATION } from './self-health.js';

const OTHER_PRESENTATIONS: Readonly<Record<string, Presentation>> = {
  check_failed: CHECK_FAILED_PRESENTATION,
  [SELF_HEALTH_CHECK]: SELF_HEALTH_PRESENTATION,
};

/** The check's presentation; undefined for a check without one (the alert then shows title and first facts). */
export function presentationOf(check: string): Presentation | undefined {
  return findCheck(check)?.presentation ?? OTHER_PRESENTATIONS[check];
}

/** Every name an incident's check can have, for the tests that hold each to the alert's shape. */
export const NON_REGISTRY_CHECKS = Object.keys(OTHER_PRESENTATIONS);
