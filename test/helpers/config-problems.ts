/** The problem lines `loadConfig` reports for an environment ([] when it starts). */
import { ConfigError, loadConfig } from '../../lib/config/config.js';

export function configProblems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e: unknown) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}
