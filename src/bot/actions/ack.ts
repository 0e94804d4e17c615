import { changeIncident, type Handler } from './click.js';

export const onAck: Handler<'ack'> = (deps, click, _value, { incident }) =>
  changeIncident(
    deps,
    click,
    'ack',
    incident,
    (i) => (i.ack ? undefined : { ack: { user: click.user, at: deps.clock.now() } }),
    {},
    'Acknowledged.',
  );
