// The simulator's public surface, for the CLI, the demo wiring and tests.
export { ALL_TABLES, TABLES } from './context.js';
export {
  countRows,
  DEFAULT_SEED,
  defaultNow,
  type SimulateOptions,
  simulate,
  simulateChunks,
} from './generate.js';
export { loadSimulation } from './load.js';
export {
  DEFAULT_SCENARIO_FILE,
  loadScenario,
  parseScenario,
  type Scenario,
  ScenarioError,
} from './scenario.js';
export { gameStatusAt, loadSchedule, type Schedule } from './schedule.js';
export {
  createSimulatedServices,
  type SimulatedServices,
  type SimulatedServicesOptions,
} from './scraper-service.js';
