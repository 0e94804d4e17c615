// Whether Slack itself is failing, from this process's own calls: the watching chat port logs an outage by
// it, and the self-health watchdog raises its alert by it (src/pipeline/self-health.ts).

export interface SlackHealth {
  readonly consecutiveFailures: number;
  /** The first failure of the current run of failures. */
  readonly failingSince: Date | undefined;
  readonly lastError: string | undefined;
  readonly lastFailedCall: string | undefined;
}

export interface SlackFailureThresholds {
  /** Slack is failing after this many failed calls in a row… */
  readonly slackFailures: number;
  /** …spread over at least this long (one burst of errors is not an outage). */
  readonly slackFailureMs: number;
}

export function isSlackFailing(slack: SlackHealth, now: Date, s: SlackFailureThresholds): boolean {
  return (
    slack.consecutiveFailures >= s.slackFailures &&
    slack.failingSince !== undefined &&
    now.getTime() - slack.failingSince.getTime() >= s.slackFailureMs
  );
}
