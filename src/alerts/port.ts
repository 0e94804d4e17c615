// What the alert lifecycle needs from the outside: where alerts go and how an incident looks in Slack.
// Built once by the runtime (src/pipeline/incident-messages.ts on the pure views) and used by delivery,
// recovery's task handlers and the buttons alike, so every edit of a message says the same thing.
import type { Incident } from '../store/incidents.js';

export interface RenderedMessage {
  text: string;
  blocks?: readonly unknown[];
}

export interface Routing {
  /** Where alerts and the digest go. */
  readonly defaultChannel: string;
  readonly criticalChannel?: string;
  /** Prepended to a critical incident's fallback text, e.g. `<!subteam^S123>`. */
  readonly criticalMention?: string;
}

/**
 * How incidents look in Slack, and the two edits made outside a check run. Async because an alert shows
 * its retry's state, read from the Store, so whichever path (a check run, a task callback, a click)
 * renders it, it says the same.
 */
export interface IncidentMessages {
  alert(incident: Incident, now: Date): RenderedMessage | Promise<RenderedMessage>;
  /** Undefined when there is nothing to add (e.g. a retry's own reply already said it recovered). */
  reply(
    kind: 'resolved' | 'escalated',
    incident: Incident,
    now: Date,
  ): RenderedMessage | undefined | Promise<RenderedMessage | undefined>;
  /** Re-render an incident's alert in place (after ack, snooze, a retry's progress). Idempotent. */
  refresh(incidentId: string): Promise<void>;
  /** A retry recovered the incident's data: resolve it and show it recovered. Idempotent. */
  resolveRecovered(incidentId: string): Promise<void>;
}
