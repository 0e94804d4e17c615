import type { HttpRoute } from './http.js';
import { sendJson } from './http.js';

export interface Probe {
  readonly name: string;
  check(): Promise<void>;
}

/** /healthz: the process is up. /readyz: the Store and the Warehouse answer (each probe bounded in time). */
export function healthRoutes(probes: readonly Probe[], timeoutMs = 3000): HttpRoute[] {
  return [
    { path: '/healthz', method: 'GET', handler: async (_req, res) => sendJson(res, 200, { ok: true }) },
    {
      path: '/readyz',
      method: 'GET',
      handler: async (_req, res) => {
        const results = await Promise.all(
          probes.map(async (probe) => {
            let timer: NodeJS.Timeout | undefined;
            try {
              await Promise.race([
                probe.check(),
                new Promise((_r, reject) => {
                  timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
                }),
              ]);
              return [probe.name, 'ok'] as const;
            } catch (error) {
              return [probe.name, error instanceof Error ? error.message : String(error)] as const;
            } finally {
              clearTimeout(timer);
            }
          }),
        );
        const ok = results.every(([, state]) => state === 'ok');
        sendJson(res, ok ? 200 : 503, { ok, checks: Object.fromEntries(results) });
      },
    },
  ];
}
