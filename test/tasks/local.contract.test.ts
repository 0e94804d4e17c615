import type { Json } from '../../src/tasks/port.js';
import { describeTaskQueueContract } from './contract.js';
import { localFixture } from './local-fixture.js';

describeTaskQueueContract('local DuckDB queue (table + HTTP receiver)', async () => {
  const f = await localFixture();
  const { queue } = await f.open();
  return {
    queue,
    clock: f.clock,
    async observe(name) {
      const row = (await f.rows()).find((r) => r.name === name);
      if (!row) return undefined;
      // What a handler gets: let the clock reach the schedule time and deliver it to the receiver.
      if (f.clock.now().getTime() < row.scheduleMs) f.clock.set(new Date(row.scheduleMs));
      await queue.drain();
      const delivered = f.receiver.forTask(name).at(-1);
      if (!delivered) return undefined;
      return {
        route: delivered.path,
        body: JSON.parse(delivered.body) as Json,
        scheduleTime: new Date(row.scheduleMs),
      };
    },
    count: async () => (await f.rows()).length,
    cleanup: () => f.cleanup(),
  };
});
