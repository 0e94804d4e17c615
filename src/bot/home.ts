// App Home: the dashboard is published when a user opens the tab, and again by publishHome after each
// run (the runtime calls it for users who opened Home recently).
import type { App, webApi } from '@slack/bolt';
import type { Services } from '../services.js';
import { buildHome } from '../views/home.js';
import { afterAck } from './after-ack.js';
import type { Surface } from './app.js';

type HomeServices = Pick<Services, 'data' | 'clock' | 'fmt' | 'log'>;

/** Build the dashboard from current data and publish it to one user's Home tab. */
export async function publishHome(
  deps: HomeServices,
  client: Pick<webApi.WebClient, 'views'>,
  userId: string,
): Promise<void> {
  const now = deps.clock.now();
  const data = await deps.data.home(now);
  await client.views.publish({ user_id: userId, view: buildHome({ ...data, now, fmt: deps.fmt }) });
}

export function homeSurface(deps: HomeServices): Surface {
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

/**
 * Users who opened App Home on this instance get it refreshed after each check run (bounded: the
 * dashboard is for the people on call, not the whole workspace).
 */
export function homeViewers(deps: HomeServices, client: () => Pick<webApi.WebClient, 'views'>, max = 200) {
  const viewers = new Set<string>();
  const surface: Surface = (app) => {
    app.event('app_home_opened', async ({ event }) => {
      if (viewers.size < max) viewers.add(event.user);
    });
  };
  const refresh = async () => {
    for (const user of viewers) {
      await publishHome(deps, client(), user).catch((error: unknown) =>
        deps.log.warn('home refresh failed', { user, error: String(error) }),
      );
    }
  };
  return { surface, refresh };
}
