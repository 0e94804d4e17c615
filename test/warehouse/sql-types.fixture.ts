// Compile-time proof that a query's parameters are checked against its file's header (sql-types.generated.ts).
// Nothing here runs: `tsc --noEmit` (part of `npm test`) compiles it, and each `@ts-expect-error` fails the
// build if the line below it stops being an error. sql-types.test.ts also compiles this file with the
// directives removed and checks that each mistake gives the error it should.
import { z } from 'zod';
import { type CheckContext, defineCheck } from '../../src/jobs/check.js';
import { proxyBreakersCheck } from '../../src/jobs/proxy_breakers.js';
import { scraperGapsCheck } from '../../src/jobs/scraper_gaps.js';
import { defineQuery, type Warehouse } from '../../src/warehouse/port.js';

export async function typedQueries(warehouse: Warehouse, ctx: CheckContext): Promise<void> {
  // The right parameters compile.
  await warehouse.query(scraperGapsCheck.query, scraperGapsCheck.params(ctx));
  await warehouse.query(proxyBreakersCheck.query, { health_since: ctx.now, now: ctx.now });

  // @ts-expect-error a parameter the file does not declare (and none of those it does)
  await warehouse.query(scraperGapsCheck.query, { wrong_param: 1 });

  await warehouse.query(proxyBreakersCheck.query, {
    // @ts-expect-error a 'YYYY-MM-DD' string where the file declares @health_since TIMESTAMP (a Date)
    health_since: '2026-01-18',
    now: ctx.now,
  });

  // @ts-expect-error @now (TIMESTAMP) missing from the DML's parameters
  await warehouse.execute('actions/reset_proxy_breaker.sql', {
    proxy_provider: 'p',
    target_host: 'h',
    note: 'n',
  });

  // @ts-expect-error a file that is not under sql/
  defineQuery('checks/no_such_check.sql', z.object({ n: z.number() }));

  defineCheck({
    name: 'typed_params',
    description: 'params() is checked against the query file too',
    query: defineQuery('checks/prediction_duplicates.sql', z.object({ copies: z.number() })),
    // @ts-expect-error a number where @report_date DATE wants a 'YYYY-MM-DD' string
    params: (c) => ({ report_date: 20260118, now: c.now }),
    evaluate: () => [],
  });
}
