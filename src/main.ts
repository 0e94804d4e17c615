// The one place that reads the process environment: everything else receives a parsed Config.
import { type Config, readConfig } from './config.js';

export function configFromEnv(): Config {
  return readConfig(process.env);
}
