// Preloaded into a bot a test spawns (`node --import tsx --import ./test/support/shifted-clock.ts …`) so the
// whole process, node-cron included, reads a chosen simulated time while timers keep real durations: with
// SHIFTED_CLOCK_AT=<ISO instant> and SHIFTED_CLOCK_IN_MS=<n>, the clock reads that instant n ms after this
// module loads (default 0). Only `new Date()` and `Date.now()` move; a Date built from a value is unchanged.
const at = process.env.SHIFTED_CLOCK_AT;
if (at) {
  const target = Date.parse(at);
  if (Number.isNaN(target)) throw new Error(`SHIFTED_CLOCK_AT is not a time: ${at}`);
  const RealDate = Date;
  const offset = target - (RealDate.now() + Number(process.env.SHIFTED_CLOCK_IN_MS ?? 0));
  class ShiftedDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...(args as ConstructorParameters<DateConstructor>));
    }
    static override now(): number {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}
