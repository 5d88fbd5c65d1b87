/**
 * Child process of `bench:realtime` (forked, so its clock readings do not wait on the bench
 * process's 5,000 sockets): records, per order change, when the outbox relay claimed its row
 * (the row's `published_at`: PostgreSQL's `now()` of the relay's claim transaction, i.e. when
 * that transaction began) and when its `order_status_changed` publication arrived on the
 * fan-out channel (a third subscriber beside the two realtime nodes). Sends them to the parent
 * when asked.
 */
import { createDatabase } from '../db/database.js';
import { loadConfig } from '../lib/config/config.js';
import { parseFanoutMessage, subscribeFanout } from '../lib/realtime/fanout-channel.js';

export interface HopRecord {
  /** The relay's claim of the outbox row (ms since epoch, PostgreSQL's clock on this host). */
  claimedAt?: number;
  /** The publication's arrival on the fan-out channel. */
  publishedAt?: number;
}

const config = loadConfig(process.env);
const db = createDatabase(config.databaseUrl, 1);
const records = new Map<string, HopRecord>();
const record = (key: string) => {
  let r = records.get(key);
  if (!r) records.set(key, (r = {}));
  return r;
};

const sub = subscribeFanout(config.redis, (raw: string) => {
  const at = Date.now();
  for (const action of parseFanoutMessage(raw) ?? []) {
    if (action.type !== 'emit' || action.event !== 'order_status_changed') continue;
    const payload = 'all' in action.payload ? action.payload.all : action.payload.byLocale.en;
    record(`${payload.order_id}:${payload.version}`).publishedAt ??= at;
  }
});
await sub.ready;

/** Claim times of the order changes relayed since the last report. */
let since = new Date();
async function readClaims(): Promise<void> {
  const rows = (await db
    .knex('outbox_messages')
    .select('payload', 'published_at')
    .where('topic', 'realtime.order-changed')
    .where('published_at', '>=', since)) as {
    payload: { order_id: string; version: number };
    published_at: Date;
  }[];
  for (const row of rows) {
    record(`${row.payload.order_id}:${row.payload.version}`).claimedAt = row.published_at.getTime();
  }
}

process.on('message', (message: string) => {
  if (message === 'report') {
    void readClaims().then(() => {
      process.send?.(Object.fromEntries(records));
      records.clear();
      since = new Date();
    });
  } else if (message === 'stop') {
    void Promise.all([sub.close(), db.close()]).finally(() => {
      process.exit(0);
    });
  }
});
process.send?.('ready');
