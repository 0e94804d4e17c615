// The Details modal behind an alert's Details button: everything the alert leaves out. Every fact of the
// latest finding, the dedup key and the query that found it, this key's history (how often this incident was
// seen, the incidents before it and how each ended) and the check's runbook.
import type { KnownBlock, ModalView } from '@slack/types';
import { humanize } from '../jobs/presentation.js';
import type { Incident } from '../store/incidents.js';
import { capBlocks, context, divider, header, packLines, plain, section } from './blocks.js';
import { factText } from './fields.js';
import { escapeMrkdwn, formatDuration, formatNumber, formatWhen, plural, truncate } from './format.js';
import type { Runbook } from './runbook.js';
import type { ViewContext } from './types.js';
import { LIMITS } from './validate.js';

/** How an earlier incident of the same key ended. */
export interface PastIncident {
  readonly id: string;
  readonly opened_at: Date;
  readonly resolved_at: Date | null;
  readonly seen_count: number;
  readonly outcome: 'open' | 'resolved' | 'recovered' | 'grouped';
}

export interface DetailsModalInput extends ViewContext {
  readonly incident: Incident;
  /** The alert's summary sentence (plain text: escaped here). */
  readonly summary: string;
  /** The query file that found it, relative to `sql/` (none for the bot's own watchdog). */
  readonly queryFile?: string;
  /** Earlier incidents of the same key, newest first. */
  readonly history: readonly PastIncident[];
  readonly runbook?: Runbook;
}

/** Fact values here may be longer than on the alert: the modal is read, not skimmed. */
const FACT_CHARS = 1000;
/** Blocks kept for the runbook at the end (Slack allows 100 in a modal). */
const RUNBOOK_BLOCKS = 12;

export function detailsModal(input: DetailsModalInput): ModalView {
  const { incident, fmt, now } = input;
  const when = (d: Date) => formatWhen(fmt, d, now);
  const facts = Object.entries(incident.finding.facts).map(
    ([name, value]) => `*${escapeMrkdwn(humanize(name))}*: ${factText(name, value, fmt, FACT_CHARS)}`,
  );
  const blocks: KnownBlock[] = [
    section(`*${escapeMrkdwn(truncate(incident.finding.title, 500))}*\n${escapeMrkdwn(input.summary)}`),
    context([
      `check \`${escapeMrkdwn(incident.check)}\``,
      `key \`${escapeMrkdwn(truncate(incident.key, 500))}\``,
      input.queryFile ? `query \`sql/${escapeMrkdwn(input.queryFile)}\`` : 'no query: the bot watches itself',
    ]),
    header('Facts'),
    ...packLines(
      facts.length ? facts : ['No facts recorded.'],
      40,
      (n) => `${plural(n, 'more fact')} not shown`,
    ),
    header('History'),
    section(historyLines(input, when).join('\n')),
  ];
  if (input.runbook) {
    blocks.push(divider(), header(`Runbook: ${input.runbook.title}`));
    blocks.push(section(`*Next step:* ${input.runbook.next}`));
    // Paragraphs keep a blank line between them when packed into one section.
    const paragraphs = input.runbook.body
      .split('\n\n')
      .map((p, i, all) => (i < all.length - 1 ? `${p}\n` : p));
    blocks.push(...packLines(paragraphs, RUNBOOK_BLOCKS, () => 'More in docs/runbooks.'));
  }
  return {
    type: 'modal',
    title: plain('Details', LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalButton),
    blocks: capBlocks(blocks, LIMITS.surfaceBlocks, 'The rest of the details did not fit.'),
  };
}

function historyLines(input: DetailsModalInput, when: (d: Date) => string): string[] {
  const { incident } = input;
  const lines = [
    `This incident: seen ${formatNumber(incident.seen_count)}× from ${when(incident.first_seen)} to ${when(incident.last_seen)}${incident.status === 'resolved' && incident.resolved_at ? `, closed ${when(incident.resolved_at)}` : ', open'}.`,
  ];
  if (input.history.length === 0) lines.push('No earlier incident of this key.');
  for (const past of input.history) {
    const lasted = past.resolved_at
      ? ` after ${formatDuration(past.resolved_at.getTime() - past.opened_at.getTime())}`
      : '';
    lines.push(
      `• \`${escapeMrkdwn(truncate(past.id, 200))}\` opened ${when(past.opened_at)}, seen ${formatNumber(past.seen_count)}×, ${past.outcome}${lasted}`,
    );
  }
  return lines;
}
