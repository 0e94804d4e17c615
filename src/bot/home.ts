// App Home: the dashboard is published when a user opens the tab, and again by publishHome after each
// run (the runtime calls it for users who opened Home recently).
import type { App, webApi } from '@slack/bolt';
import { buildHome } from '../views/home.js';
import { afterAck } from './after-ack.js';
import type { Surface } from './app.js';
import type { BotDeps } from './deps.js';

type HomeDeps = Pick<BotDeps, 'data' | 'clock' | 'fmt' | 'log'>;

/** Build the dashboard from current data and publish it to one user's Home tab. */
export async function publishHome(
  deps: HomeDeps,
  client: Pick<webApi.WebClient, 'views'>,
  userId: string,
): Promise<void> {
  const now = deps.clock.now();
  const data = await deps.data.home(now);
  await client.views.publish({ user_id: userId, view: buildHome({ ...data, now, fmt: deps.fmt }) });
}

export function homeSurface(deps: HomeDeps): Surface {
  return (app: App) => {
    app.event('app_home_opened', async ({ event, client }) => {
      if (event.tab !== 'home') return;
      // Its queries and rendering wait behind other requests' acks (see after-ack.ts).
      await afterAck.run(
        () => publishHome(deps, client, event.user),
        (error) => deps.log.error('home publish failed', { user: event.user, error: String(error) }),
      );
    });
  };
}
