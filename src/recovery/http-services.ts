// The scraper and processor services over HTTP: `POST <url>/scrape {"scraper_name","params":{"date"}}` and
// `POST <url>/run-processor {"processor_name","game_date","attempt"}`, Bearer token from config. Used in the
// cloud and against the simulator (src/sim) in the demo. A non-2xx answer or an unreadable body throws: the
// attempt then counts as failed with that message (handleRetryTask still verifies in the warehouse).
import { z } from 'zod';
import type {
  CallOptions,
  ProcessorRequest,
  ProcessorService,
  ScrapeRequest,
  ScraperService,
  ServiceResult,
} from './ports.js';

export interface ServiceEndpoint {
  /** Base URL, e.g. config.gcp.scraperServiceUrl (a trailing slash is fine). */
  readonly url: string;
  readonly token: string;
  /** Injected for tests; global fetch by default. */
  readonly fetch?: typeof fetch;
}

// Services answer in their own words; take what is there and keep the rest out.
const answerSchema = z
  .object({
    status: z.string().optional(),
    records: z.number().int().min(0).nullable().optional(),
    records_processed: z.number().int().min(0).nullable().optional(),
    error: z.string().nullable().optional(),
    message: z.string().nullable().optional(),
  })
  .loose();

export class ServiceCallError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ServiceCallError';
  }
}

async function post(
  endpoint: ServiceEndpoint,
  path: string,
  body: unknown,
  options: CallOptions,
): Promise<ServiceResult> {
  const url = `${endpoint.url.replace(/\/+$/, '')}${path}`;
  const doFetch = endpoint.fetch ?? fetch;
  const response = await doFetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: options.signal,
  });
  const text = await response.text();
  if (!response.ok) {
    throw new ServiceCallError(
      `${path} answered HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`,
      response.status,
    );
  }
  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ServiceCallError(
      `${path} answered ${response.status} with a body that is not JSON`,
      response.status,
    );
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) throw new ServiceCallError(`${path} answered an unexpected body`, response.status);
  const a = parsed.data;
  const error =
    a.error ??
    (a.status && /^(error|failed|failure)$/i.test(a.status) ? (a.message ?? undefined) : undefined);
  return {
    status: a.status ?? 'success',
    records: a.records ?? a.records_processed ?? null,
    ...(error ? { error } : {}),
  };
}

export function createHttpScraperService(endpoint: ServiceEndpoint): ScraperService {
  return {
    scrape: (request: ScrapeRequest, options: CallOptions) =>
      post(
        endpoint,
        '/scrape',
        { scraper_name: request.scraper_name, params: { date: request.params.date } },
        options,
      ),
  };
}

export function createHttpProcessorService(endpoint: ServiceEndpoint): ProcessorService {
  return {
    run: (request: ProcessorRequest, options: CallOptions) =>
      post(
        endpoint,
        '/run-processor',
        { processor_name: request.processor_name, game_date: request.game_date, attempt: request.attempt },
        options,
      ),
  };
}
