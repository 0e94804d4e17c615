// Reset Breaker (operators only): the click opens the reason modal; its submission resets the breaker.
import { resetBreaker } from '../../recovery/reset-breaker.js';
import { MODALS } from '../../views/action-ids.js';
import { readResetBreakerSubmission, resetBreakerModal, type ViewStateValues } from '../../views/modals.js';
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

export const onResetBreaker: Handler<'reset_breaker'> = async (deps, click, value, { client }) => {
  const refused = await refuseNonOperator(deps, click, 'reset_breaker', value.incidentId);
  if (refused) return refused;
  await client.views.open({ trigger_id: click.triggerId, view: resetBreakerModal({ action: value }) });
  await auditClick(
    deps,
    click,
    {
      action: 'reset_breaker',
      target: value.processor ?? (value.provider ? `${value.provider}→${value.target ?? '?'}` : null),
      incident_id: value.incidentId,
      outcome: 'ok',
      details: { step: 'modal_opened' },
    },
    false,
  );
  return undefined;
};

export const submitResetBreaker: SubmitModal = async (deps, { ack, body, view, client }) => {
  const read = readResetBreakerSubmission(view.state.values as ViewStateValues, view.private_metadata);
  if (!read.ok) {
    await refuseSubmission(ack, read, MODALS.reset_breaker.reason.blockId);
    return;
  }
  await ack();
  const { action, reason } = read.value;
  // The modal's hidden state is the button's value: its incident must still offer that reset, and the reset
  // acts on the incident's own target (its whole entity list, where the value may carry only a prefix).
  const offered = await findOffered(deps, action);
  if (!offered.ok || offered.action?.kind !== 'reset_breaker') {
    const by = { user: body.user.id, auditId: `submit:${body.user.id}:${view.id}`, step: 'submit' as const };
    const answer = await refuseNotOffered(deps, by, action, offered.incident);
    await tellUser(deps, client, action.incidentId, body.user.id, answer);
    return;
  }
  const result = await resetBreaker(deps, {
    incidentId: offered.incident.id,
    requestedBy: { user: body.user.id },
    reason,
    breaker: offered.action,
    requestId: view.id,
  });
  if (result.outcome === 'reset') await refresh(deps, action.incidentId);
  await tellUser(
    deps,
    client,
    action.incidentId,
    body.user.id,
    result.ephemeral ?? { text: 'Breaker reset; the thread has the details.' },
  );
};
