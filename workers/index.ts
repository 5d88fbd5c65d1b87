/** Every processor the worker process runs, by job name. */
import type { Processors } from './processors.js';

export const workerProcessors: Processors = {};
