import { snoozeUntil } from '../../views/snooze.js';
import { changeIncident, type Handler } from './click.js';

export const onSnooze: Handler<'snooze'> = (deps, click, value, { incident }) => {
  const until = snoozeUntil(value.duration, deps.clock.now());
  return changeIncident(
    deps,
    click,
    'snooze',
    incident,
    () => ({ snooze_until: until }),
    { until, duration: value.duration },
    `Snoozed until ${deps.fmt.dateTime(until)}: no re-notifications, it still resolves.`,
  );
};
