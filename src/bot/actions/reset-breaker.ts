// Reset Breaker (operators only): the click opens the reason modal; its submission resets the breaker.
import { resetBreaker } from '../../recovery/reset-breaker.js';
import { MODALS } from '../../views/action-ids.js';
import { readResetBreakerSubmission, resetBreakerModal, type ViewStateValues } from '../../views/modals.js';
import {
  auditClick,
  type Handler,
  refresh,
  refuseNonOperator,
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
  const result = await resetBreaker(deps, {
    incidentId: action.incidentId,
    requestedBy: { user: body.user.id },
    reason,
    breaker: {
      kind: 'reset_breaker',
      breaker: action.breaker,
      ...(action.processor !== undefined && { processor: action.processor }),
      ...(action.entities !== undefined && { entities: action.entities }),
      ...(action.provider !== undefined && { provider: action.provider }),
      ...(action.target !== undefined && { target: action.target }),
    },
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
