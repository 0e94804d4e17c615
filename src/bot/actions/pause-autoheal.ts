import { changeIncident, type Handler } from './click.js';

export const onPause: Handler<'pause_autoheal'> = (deps, click, _value, { incident }) =>
  changeIncident(
    deps,
    click,
    'pause_autoheal',
    incident,
    (i) => (i.auto_heal_paused ? undefined : { auto_heal_paused: true }),
    {},
    'Auto-heal paused for this incident.',
  );
