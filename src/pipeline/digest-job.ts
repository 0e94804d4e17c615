import { postOnce } from '../alerts/messenger.js';
import type { Services } from '../services.js';
import { buildDigest } from '../views/digest.js';

export interface DigestResult {
  readonly date: string;
  readonly posted: boolean;
}

/** The daily digest for the day before `at` (ET), posted once per date however often the slot fires. */
export async function runDigest(
  deps: Pick<Services, 'data' | 'fmt' | 'store' | 'chat' | 'clock' | 'routing'>,
  at: Date,
): Promise<DigestResult> {
  const input = await deps.data.digest(at);
  const view = buildDigest({ ...input, now: at, fmt: deps.fmt });
  const { postedNow } = await postOnce(deps, `digest:${input.date}`, {
    channel: deps.routing.defaultChannel,
    ...view,
  });
  return { date: input.date, posted: postedNow };
}
