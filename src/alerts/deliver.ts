import { type OutgoingMessage, type PostedMessage, PostNotSentError } from '../chat/port.js';
import type { Finding, Severity } from '../jobs/finding.js';
import { withLogContext } from '../log.js';
import type { Services } from '../services.js';
import type { Incident } from '../store/incidents.js';
import * as incidents from '../store/incidents.js';
import type { DocumentStore } from '../store/port.js';
import { finishUnfinished, postOnce } from './messenger.js';
import type { Routing } from './port.js';
import { type Decision, reconcile } from './reconcile.js';

/** What delivery uses: the Store, Slack, time, where alerts go and how they look, and the process's stop. */
export type DeliveryServices = Pick<
  Services,
  'store' | 'chat' | 'clock' | 'incidentMessages' | 'routing' | 'log' | 'stopSignal'
>;

export interface RunInput {
  readonly findings: readonly Finding[];
  readonly checksRan: readonly string[];
}

export interface DeliverySummary {
  opened: number;
  updated: number;
  resolved: number;
  posted: number;
  /** Messages another instance is still posting (or a crash left claimed): finished on a later run. */
  pending: number;
  /**
   * Decisions not acted on because the process is stopping (nothing of them claimed): the run's slot is
   * handed back, and whoever runs it next acts on them.
   */
  deferred: number;
  errors: string[];
}

export const postIntent = (incidentId: string) => `post:${incidentId}`;
export const replyIntent = (incidentId: string, what: string) => `reply:${incidentId}:${what}`;

export function channelFor(severity: Severity, routing: Routing): string {
  return severity === 'critical'
    ? (routing.criticalChannel ?? routing.defaultChannel)
    : routing.defaultChannel;
}

/**
 * Apply one check run to Slack: reconcile findings with open incidents (pure), then act on each decision
 * with crash-safe posts (claim → post → record) and in-place edits. A Slack error on one incident is
 * reported and the others go on; nothing posted twice, nothing dropped (an unfinished claim is picked up
 * at the start of the next run).
 *
 * Once the process is stopping (`stopSignal`), the decision in flight is finished (its post included) and
 * the rest are left alone, unclaimed: they are counted in `deferred`, and the caller hands its slot back.
 */
export async function deliverRun(deps: DeliveryServices, run: RunInput): Promise<DeliverySummary> {
  const summary: DeliverySummary = {
    opened: 0,
    updated: 0,
    resolved: 0,
    posted: 0,
    pending: 0,
    deferred: 0,
    errors: [],
  };
  await attachFinished(deps, summary);
  const open = await incidents.listOpen(deps.store);
  const now = deps.clock.now();
  const decisions = reconcile({
    findings: run.findings,
    checksRan: run.checksRan,
    open: open.map((i) => ({
      id: i.id,
      key: i.key,
      check: i.check,
      severity: i.severity,
      finding: i.finding,
      snoozedUntil: i.snooze_until ?? undefined,
    })),
    now,
  });
  const idByKey = new Map(open.map((i) => [i.key, i.id]));
  for (const [index, decision] of decisions.entries()) {
    if (deps.stopSignal.aborted) {
      summary.deferred = decisions.length - index;
      deps.log.info(`delivery stopped: ${summary.deferred} decisions left for the next run of this slot`);
      break;
    }
    // Lines about this decision (here and in the Store and Slack code below) name its incident or finding.
    const about =
      decision.kind === 'open' ? { finding: decision.finding.key } : { incident: decision.incidentId };
    await withLogContext(about, async () => {
      try {
        await apply(deps, decision, idByKey, summary);
      } catch (error) {
        // Its post was given up unsent because the process is stopping (its claim released for the next run).
        if (error instanceof PostNotSentError) {
          summary.deferred++;
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        summary.errors.push(`${decision.kind} ${describe(decision)}: ${message}`);
        deps.log.warn(`delivery failed: ${decision.kind} ${describe(decision)}`, { error: message });
      }
    });
  }
  return summary;
}

function describe(decision: Decision): string {
  return decision.kind === 'open' ? decision.finding.key : decision.incidentId;
}

async function apply(
  deps: DeliveryServices,
  decision: Decision,
  idByKey: Map<string, string>,
  summary: DeliverySummary,
): Promise<void> {
  const now = deps.clock.now();
  if (decision.kind === 'open') {
    const rootId = decision.rootKey ? idByKey.get(decision.rootKey) : undefined;
    const { incident, created } = await incidents.open(deps.store, {
      finding: decision.finding,
      now,
      rootIncidentId: rootId ?? null,
    });
    idByKey.set(incident.key, incident.id);
    if (created) summary.opened++;
    await ensureMessage(deps, incident, summary);
    return;
  }
  if (decision.kind === 'update') {
    const incident = await incidents.recordSeen(deps.store, decision.incidentId, decision.finding, now);
    // Resolved since this run listed it (a retry recovered it meanwhile): its message already says so.
    if (incident.status !== 'open') return;
    summary.updated++;
    const message = await ensureMessage(deps, incident, summary);
    if (message)
      await deps.chat.update({ ...message, ...(await deps.incidentMessages.alert(incident, now)) });
    const reply =
      decision.notify && message ? await deps.incidentMessages.reply('escalated', incident, now) : undefined;
    if (reply && message) {
      const { postedNow } = await postOnce(
        deps,
        replyIntent(incident.id, `escalated:${incident.severity}`),
        {
          ...reply,
          channel: message.channel,
          threadTs: await threadOf(deps.store, incident, message),
          // Escalated to critical while its alert sits in a root's thread: say so in the channel too.
          ...(incident.severity === 'critical' && incident.root_incident_id ? { broadcast: true } : {}),
        },
        deps.stopSignal,
      );
      if (postedNow) summary.posted++;
    }
    return;
  }
  const { incident: closed, resolved } = await incidents.resolve(deps.store, decision.incidentId, now);
  if (!resolved) return;
  summary.resolved++;
  // Grouped into one alert with the other subjects of its cause: its message says where it went, and no
  // "Resolved" reply claims it was fixed.
  const incident = decision.groupedInto
    ? await incidents.update(deps.store, closed.id, { grouped_into: decision.groupedInto })
    : closed;
  if (!incident.message) return;
  await deps.chat.update({ ...incident.message, ...(await deps.incidentMessages.alert(incident, now)) });
  if (decision.groupedInto) return;
  const reply = await deps.incidentMessages.reply('resolved', incident, now);
  if (!reply) return;
  const { postedNow } = await postOnce(
    deps,
    replyIntent(incident.id, 'resolved'),
    {
      ...reply,
      channel: incident.message.channel,
      threadTs: await threadOf(deps.store, incident, incident.message),
    },
    deps.stopSignal,
  );
  if (postedNow) summary.posted++;
}

/** Replies go to the thread the incident's message lives in (its root's thread when it is threaded). */
export async function threadOf(
  store: DocumentStore,
  incident: Incident,
  message: PostedMessage,
): Promise<string> {
  if (!incident.root_incident_id) return message.ts;
  const root = await incidents.get(store, incident.root_incident_id);
  return root?.message && root.message.channel === message.channel ? root.message.ts : message.ts;
}

/**
 * Make sure an open incident has its one message: post it (threaded under its root's message when it has
 * one) or find the location an earlier run recorded. Returns undefined while another instance posts it.
 */
async function ensureMessage(
  deps: DeliveryServices,
  incident: Incident,
  summary: DeliverySummary,
): Promise<PostedMessage | undefined> {
  if (incident.message) return incident.message;
  const now = deps.clock.now();
  const root = incident.root_incident_id
    ? await incidents.get(deps.store, incident.root_incident_id)
    : undefined;
  const rendered = await deps.incidentMessages.alert(incident, now);
  const mention =
    incident.severity === 'critical' && deps.routing.criticalMention
      ? `${deps.routing.criticalMention} `
      : '';
  // A critical alert threaded under its root is broadcast to the channel too: never visible only in a thread.
  const outgoing: OutgoingMessage = root?.message
    ? {
        ...rendered,
        channel: root.message.channel,
        threadTs: root.message.ts,
        ...(incident.severity === 'critical' ? { text: `${mention}${rendered.text}`, broadcast: true } : {}),
      }
    : {
        ...rendered,
        text: `${mention}${rendered.text}`,
        channel: channelFor(incident.severity, deps.routing),
      };
  const { message, postedNow } = await postOnce(deps, postIntent(incident.id), outgoing, deps.stopSignal);
  if (postedNow) summary.posted++;
  if (!message) {
    summary.pending++;
    return undefined;
  }
  await incidents.update(deps.store, incident.id, { message });
  return message;
}

/**
 * Intents a failed post or a crash left half-done: finish them, and attach incident messages found or
 * posted. One that fails again is reported and stays released for the next run.
 */
async function attachFinished(deps: DeliveryServices, summary: DeliverySummary): Promise<void> {
  const { done, failed } = await finishUnfinished(deps, deps.stopSignal);
  for (const { intentId, error } of failed) {
    summary.errors.push(`finish ${intentId}: ${error}`);
    deps.log.warn(`delivery failed: finishing ${intentId}`, { error });
  }
  for (const { intentId, posted } of done) {
    summary.posted++;
    if (!intentId.startsWith('post:')) continue;
    const incident = await incidents.get(deps.store, intentId.slice('post:'.length));
    if (!incident || incident.message) continue;
    const attached = await incidents.update(deps.store, incident.id, { message: posted });
    // Resolved while its post waited (Slack was down): the alert lands showing so, not as a live problem.
    if (attached.status !== 'open')
      await deps.chat.update({
        ...posted,
        ...(await deps.incidentMessages.alert(attached, deps.clock.now())),
      });
  }
}
