import type { IncidentRenderer } from '../alerts/deliver.js';
import { buildAlert } from '../views/alert.js';
import { escapeMrkdwn, severityEmoji, severityLabel } from '../views/format.js';
import { resolvedReply } from '../views/thread.js';
import type { TimeFormatter } from '../views/types.js';

/** The alert lifecycle's renderer on the pure views: the alert message and its lifecycle thread replies. */
export function createIncidentRenderer(fmt: TimeFormatter): IncidentRenderer {
  return {
    alert: (incident, now) => buildAlert({ incident, now, fmt }),
    reply(kind, incident, now) {
      if (kind === 'resolved') return resolvedReply(incident, { now, fmt });
      const text = `${severityEmoji(incident.severity)} Escalated to ${severityLabel(incident.severity)}: ${escapeMrkdwn(incident.finding.title)}`;
      return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
    },
  };
}
