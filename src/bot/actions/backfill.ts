// Backfill (operators only): the click opens the range modal; its submission starts the backfill.
import { startBackfill } from '../../recovery/backfill.js';
import { MODALS, parseActionValue } from '../../views/action-ids.js';
import { backfillModal, readBackfillSubmission, type ViewStateValues } from '../../views/modals.js';
import {
  auditClick,
  findOffered,
  type Handler,
  refresh,
  refuseNonOperator,
  refuseNotOffered,
  refuseSubmission,
  type SubmitModal,
  tellUser,
} from './click.js';

export const onBackfill: Handler<'backfill'> = async (deps, click, value, { client }) => {
  const refused = await refuseNonOperator(deps, click, 'backfill', value.incidentId);
  if (refused) return refused;
  await client.views.open({
    trigger_id: click.triggerId,
    view: backfillModal({ action: value, maxRangeDays: deps.config.recovery.backfillMaxDays }),
  });
  await auditClick(
    deps,
    click,
    {
      action: 'backfill',
      target: `${value.scraper} ${value.from}..${value.until}`,
      incident_id: value.incidentId,
      outcome: 'ok',
      details: { step: 'modal_opened' },
    },
    false,
  );
  return undefined;
};

export const submitBackfill: SubmitModal = async (deps, { ack, body, view, client }) => {
  const read = readBackfillSubmission(
    view.state.values as ViewStateValues,
    view.private_metadata,
    deps.config.recovery.backfillMaxDays,
  );
  if (!read.ok) {
    await refuseSubmission(ack, read, MODALS.backfill.from.blockId);
    if ('metadataError' in read) deps.log.warn('unreadable backfill modal', { ...read.metadataError });
    return;
  }
  await ack();
  const r = read.value;
  // The modal's hidden state is the button's value (its scraper and suggested range): its incident must
  // still offer it. The range picked in the modal is the operator's, bounded by BACKFILL_MAX_DAYS.
  const meta = parseActionValue(view.private_metadata, 'backfill');
  const offered = meta.ok ? await findOffered(deps, meta.value) : undefined;
  if (meta.ok && offered && !offered.ok) {
    const by = { user: body.user.id, auditId: `submit:${body.user.id}:${view.id}`, step: 'submit' as const };
    const answer = await refuseNotOffered(deps, by, meta.value, offered.incident);
    await tellUser(deps, client, r.incidentId, body.user.id, answer);
    return;
  }
  const result = await startBackfill(deps, {
    incidentId: r.incidentId,
    scraper: r.scraper,
    from: r.from,
    until: r.until,
    requestedBy: { user: body.user.id },
    requestId: view.id,
  });
  await refresh(deps, r.incidentId);
  await tellUser(deps, client, r.incidentId, body.user.id, result.ephemeral);
};
