import { actionsSurface } from '../bot/actions/index.js';
import { commandsSurface } from '../bot/commands.js';
import { homeSurface } from '../bot/home.js';
import { createDashboardData } from '../dashboard/data.js';
import type { Ui } from './adapters.js';

/** The production Slack surfaces and dashboard data; tests may swap either. */
export const defaultUi: Ui = {
  createData: createDashboardData,
  surfaces: (services) => [commandsSurface(services), actionsSurface(services), homeSurface(services)],
};
