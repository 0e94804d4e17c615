import { z } from 'zod';
import { parseDoc } from './doc-schema.js';
import { type DocumentStore, docId } from './port.js';

export const JOB_RUNS = 'job_runs';

/**
 * The newest completed run of each checking job, one small document per job, so the self-health watchdog
 * on whichever instance runs it sees every instance's completions (slots are leased to one instance each).
 */
export const jobRunSchema = z.object({
  job: z.string(),
  /** When the run finished (the clock's time), whatever it found, `check_failed` findings included. */
  completed_at: z.date(),
  /** The time the run checked as of (its cron slot, or the time a person asked for). */
  ran_for: z.date(),
  findings: z.number().int(),
  failures: z.number().int(),
});
export type JobRun = z.infer<typeof jobRunSchema>;

/** Record a completion; an older one arriving late (a slow run on another instance) never overwrites a newer. */
export function recordCompletion(store: DocumentStore, run: JobRun): Promise<void> {
  const id = docId(run.job);
  return store.runTransaction(async (tx) => {
    const data = await tx.get(JOB_RUNS, id);
    const current = data ? parseDoc(jobRunSchema, data, `${JOB_RUNS}/${id}`) : undefined;
    if (current && current.completed_at.getTime() >= run.completed_at.getTime()) return;
    tx.set(JOB_RUNS, id, run);
  });
}

/** The newest completion per job name. */
export async function latestCompletions(store: DocumentStore): Promise<Map<string, JobRun>> {
  const docs = await store.query(JOB_RUNS, {});
  return new Map(
    docs.map((d) => {
      const run = parseDoc(jobRunSchema, d.data, `${JOB_RUNS}/${d.id}`);
      return [run.job, run];
    }),
  );
}
