import { changeIncident, type Handler } from './click.js';

export const onPause: Handler<'pause_autoheal'> = (deps, click, value) =>
  changeIncident(
    deps,
    click,
    'pause_autoheal',
    value.incidentId,
    (i) => (i.auto_heal_paused ? undefined : { auto_heal_paused: true }),
    {},
    'Auto-heal paused for this incident.',
  );
