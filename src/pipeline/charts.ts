// The pictures: a grading alert gets the 14-day hit-rate chart in its thread when its incident opens, the
// digest gets the 14-day failures-and-gaps chart in its thread. A chart is an extra beside the words: it is
// shared at most once (re-runs, restarts and other instances included), and a failed query, rendering or
// upload is logged and never holds up an alert or the digest.
import type { ImageUpload, PostedMessage } from '../chat/port.js';
import { hitRates, scraperFailures } from '../dashboard/chart-data.js';
import type { Finding } from '../jobs/finding.js';
import type { ConfigOf, Services } from '../services.js';
import * as incidents from '../store/incidents.js';
import * as ledger from '../store/message-ledger.js';
import { hitRateChart, hitRateLabels } from '../views/charts/hit-rate.js';
import { renderChartPngIsolated } from '../views/charts/isolated.js';
import { scraperFailuresChart, scraperFailuresLabels } from '../views/charts/scraper-failures.js';
import type { ChartImage } from '../views/charts/spec.js';

export type ChartServices = Pick<Services, 'warehouse' | 'store' | 'chat' | 'clock' | 'log'> &
  ConfigOf<'thresholds'>;

/** The checks whose alerts carry the hit-rate chart. */
export const CHARTED_CHECKS: ReadonlySet<string> = new Set(['grading_accuracy', 'grading_coverage']);

export const chartIntent = (what: string) => `chart:${what}`;

/** A chart's PNG and alt text, or undefined when its data gives nothing to draw. */
async function rendered(chart: ChartImage | undefined) {
  return chart ? { bytes: await renderChartPngIsolated(chart), altText: chart.altText } : undefined;
}

/**
 * Share an image once per intent. The intent is claimed in the message ledger and recorded as done (at the
 * thread it goes to) before the upload: an upload has no idempotency key, so a chart that failed is not
 * tried again rather than risk a second copy. Should the process die between the claim and the record, the
 * ledger's next run finishes the claim as a post of its text: the chart's title in the thread, in words.
 * True when this call shared it.
 */
async function shareOnce(deps: ChartServices, intentId: string, upload: ImageUpload): Promise<boolean> {
  const now = deps.clock.now();
  const payload = {
    channel: upload.channel,
    text: upload.title,
    blocks_json: null,
    thread_ts: upload.threadTs ?? null,
    broadcast: false,
  };
  const { created } = await ledger.claim(deps.store, intentId, payload, now);
  if (!created) return false;
  await ledger.recordPosted(
    deps.store,
    intentId,
    { channel: upload.channel, ts: upload.threadTs ?? '' },
    now,
  );
  try {
    const started = performance.now();
    const result = await deps.chat.uploadImage(upload);
    const ms = Math.round(performance.now() - started);
    deps.log.info(
      `chart ${upload.filename}: ${result.shared ? `shared in ${ms} ms` : 'no data, not shared'}`,
    );
    return result.shared;
  } catch (error) {
    deps.log.warn(`chart ${upload.filename} not shared`, { intentId, error });
    return false;
  }
}

/** The digest's failures-and-gaps chart, in the digest's thread. */
export function shareDigestChart(
  deps: ChartServices,
  digest: PostedMessage,
  date: string,
  at: Date,
): Promise<boolean> {
  return shareOnce(deps, chartIntent(`digest:${date}`), {
    channel: digest.channel,
    threadTs: digest.ts,
    ...scraperFailuresLabels(date),
    render: async () => rendered(scraperFailuresChart(await scraperFailures(deps, date, at))),
  });
}

/**
 * The hit-rate chart under each grading alert of this run whose incident is open and posted, once per
 * incident (its first run with a posted alert; an incident that resolves and comes back is a new one).
 * Never throws: a failure is logged, the run goes on.
 */
export async function shareGradingCharts(
  deps: ChartServices,
  findings: readonly Finding[],
  at: Date,
): Promise<number> {
  let shared = 0;
  for (const finding of findings) {
    const date = finding.subject.date;
    if (!CHARTED_CHECKS.has(finding.check) || !date) continue;
    try {
      const incident = await incidents.findOpenByKey(deps.store, finding.key);
      if (!incident?.message) continue;
      const system = finding.subject.system;
      const posted = await shareOnce(deps, chartIntent(incident.id), {
        channel: incident.message.channel,
        threadTs: incident.message.ts,
        ...hitRateLabels(date, system),
        render: async () =>
          rendered(
            hitRateChart({ date, ...(system ? { system } : {}), rows: await hitRates(deps, date, at) }),
          ),
      });
      if (posted) shared++;
    } catch (error) {
      deps.log.warn('grading chart not shared', { key: finding.key, error });
    }
  }
  return shared;
}
