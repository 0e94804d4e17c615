import { actionsSurface } from '../bot/actions.js';
import { commandsSurface } from '../bot/commands.js';
import { homeSurface } from '../bot/home.js';
import { createDashboardData } from '../dashboard/data.js';
import type { Ui } from './start.js';

/** The production Slack surfaces and dashboard data; tests may swap either. */
export const defaultUi: Ui = {
  createData: (adapters, config) =>
    createDashboardData({
      warehouse: adapters.warehouse,
      store: adapters.store,
      thresholds: config.thresholds,
    }),
  surfaces: (deps) => [commandsSurface(deps), actionsSurface(deps), homeSurface(deps)],
};
