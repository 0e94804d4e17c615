import { postOnce } from '../alerts/messenger.js';
import type { Services } from '../services.js';
import { buildDigest } from '../views/digest.js';
import { type ChartServices, shareDigestChart } from './charts.js';

export interface DigestResult {
  readonly date: string;
  readonly posted: boolean;
}

/**
 * The daily digest for the day before `at` (ET), posted once per date however often the slot fires, with
 * its failures-and-gaps chart in its thread (once too; a chart that fails is logged, the digest stands).
 */
export async function runDigest(
  deps: Pick<Services, 'data' | 'fmt' | 'routing'> & ChartServices,
  at: Date,
): Promise<DigestResult> {
  const input = await deps.data.digest(at);
  const view = buildDigest({ ...input, now: at, fmt: deps.fmt });
  const { message, postedNow } = await postOnce(deps, `digest:${input.date}`, {
    channel: deps.routing.defaultChannel,
    ...view,
  });
  if (message) await shareDigestChart(deps, message, input.date, at);
  return { date: input.date, posted: postedNow };
}
