import { changeIncident, type Handler } from './click.js';

export const onAck: Handler<'ack'> = (deps, click, value) =>
  changeIncident(
    deps,
    click,
    'ack',
    value.incidentId,
    (i) => (i.ack ? undefined : { ack: { user: click.user, at: deps.clock.now() } }),
    {},
    'Acknowledged.',
  );
