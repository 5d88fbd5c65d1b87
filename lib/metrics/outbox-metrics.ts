/**
 * The outbox at scrape time, from PostgreSQL: rows still owed to Redis (a backlog that grows
 * while Redis is away) and rows dead-lettered (set aside after failing; see
 * /api/admin/outbox/dead-letters/). The same figure from every worker: aggregate with `max`.
 */
import type { Registry } from 'prom-client';
import type { Db } from '../../db/database.js';
import {
  countDeadLetteredOutbox,
  countUnpublishedOutbox,
} from '../../db/repositories/outbox.repository.js';
import type { Logger } from '../logger/logger.js';
import { registerComputedMetric } from './metrics-registry.js';

export function registerOutboxMetrics(registry: Registry, db: Db, logger?: Logger): void {
  registerComputedMetric(
    registry,
    {
      name: 'invo_outbox_owed_rows',
      help: 'Outbox rows not yet published to Redis',
      type: 'gauge',
      collect: async () => [{ labels: {}, value: await countUnpublishedOutbox(db) }],
    },
    logger,
  );
  registerComputedMetric(
    registry,
    {
      name: 'invo_outbox_dead_letters',
      help: 'Outbox rows the relay set aside after failing to publish them (replayable)',
      type: 'gauge',
      collect: async () => [{ labels: {}, value: await countDeadLetteredOutbox(db) }],
    },
    logger,
  );
}
