// App Home: the dashboard is published when a user opens the tab, and again after each check run for the
// users who opened it in the last day: built once per refresh and published to each of them. The refresh's
// warehouse reading is the one opens and commands share until the next run (src/dashboard/snapshot.ts).
import type { App, webApi } from '@slack/bolt';
import type { ReadOptions } from '../dashboard/snapshot.js';
import { hours } from '../jobs/time.js';
import type { Services } from '../services.js';
import { buildHome } from '../views/home.js';
import { afterAck } from './after-ack.js';
import type { Surface } from './app.js';

type HomeServices = Pick<Services, 'data' | 'clock' | 'fmt' | 'log'>;

/** A user who has not opened Home for this long is no longer refreshed (until they open it again). */
export const HOME_VIEWER_IDLE_MS = hours(24);

/** The dashboard as of now: its warehouse parts from the shared snapshot unless `fresh`. */
async function homeView(deps: HomeServices, options?: ReadOptions) {
  const now = deps.clock.now();
  const data = await deps.data.home(now, options);
  return buildHome({ ...data, now, fmt: deps.fmt });
}

/**
 * Build the dashboard and publish it to one user's Home tab: its warehouse parts from the shared reading,
 * or read afresh with `fresh` (the Refresh button, for whoever wants it current rather than as of the last
 * check run).
 */
export async function publishHome(
  deps: HomeServices,
  client: Pick<webApi.WebClient, 'views'>,
  userId: string,
  options?: ReadOptions,
): Promise<void> {
  await client.views.publish({ user_id: userId, view: await homeView(deps, options) });
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
 * Users who opened App Home on this instance in the last day get it refreshed after each check run
 * (bounded: the dashboard is for the people on call, not the whole workspace; past `max`, the one who
 * opened it longest ago is dropped). The refresh reads afresh, once, after the run changed what Home shows,
 * and every viewer gets that one view. It is the run's work (labelled 'job'): its reading becomes the
 * snapshot the opens and commands until the next run share, with its time shown.
 */
export function homeViewers(deps: HomeServices, client: () => Pick<webApi.WebClient, 'views'>, max = 200) {
  /** User id → when they last opened Home, oldest first. */
  const viewers = new Map<string, number>();
  const surface: Surface = (app) => {
    app.event('app_home_opened', async ({ event }) => {
      viewers.delete(event.user);
      viewers.set(event.user, deps.clock.now().getTime());
      for (const user of viewers.keys()) {
        if (viewers.size <= max) break;
        viewers.delete(user);
      }
    });
  };
  const refresh = async () => {
    const idleSince = deps.clock.now().getTime() - HOME_VIEWER_IDLE_MS;
    for (const [user, openedAt] of viewers) if (openedAt < idleSince) viewers.delete(user);
    if (viewers.size === 0) return;
    let view: Awaited<ReturnType<typeof homeView>>;
    try {
      view = await homeView(deps, { fresh: true, surface: 'job' });
    } catch (error) {
      deps.log.warn('home refresh failed', { viewers: viewers.size, error: String(error) });
      return;
    }
    for (const user of viewers.keys()) {
      await client()
        .views.publish({ user_id: user, view })
        .catch((error: unknown) => deps.log.warn('home refresh failed', { user, error: String(error) }));
    }
  };
  return { surface, refresh };
}
