// Backfill (operators only): the click opens the range modal; its submission starts the backfill.
import { startBackfill } from '../../recovery/backfill.js';
import { MODALS } from '../../views/action-ids.js';
import { backfillModal, readBackfillSubmission, type ViewStateValues } from '../../views/modals.js';
import {
  auditClick,
  type Handler,
  refresh,
  refuseNonOperator,
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
