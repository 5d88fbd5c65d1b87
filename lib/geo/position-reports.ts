/**
 * A driver's position report, Redis-first: one Lua script keeps the report if it is not older
 * than the driver's latest, stores it as the latest, marks the driver dirty (not yet in
 * PostgreSQL) and upserts the position index with its change-stream entry — one round trip,
 * atomic, no PostgreSQL on the way. The position writer (lib/drivers/position-writer.ts) then
 * takes dirty drivers in batches and persists their latest report with one statement.
 *
 * Taking is safe with several writers and with a writer dying mid-batch: the take script
 * moves ids from the dirty set into a claimed set scored by a lease deadline, and moves
 * claims whose lease lapsed back to dirty first. A writer that wrote its batch drops its own
 * claims (only those still carrying its deadline); one that failed gives them back at once.
 */
import { createHash } from 'node:crypto';
import type { Redis } from '../redis/redis.js';
import { indexScriptParts, positionKeys } from './position-store.js';

/** A report as the latest-position hash holds it. */
export interface LatestPosition {
  lat: number;
  lon: number;
  recordedAtMs: number;
  heading: number | null;
  speed: number | null;
  accuracy: number | null;
}

export interface ReportOutcome {
  /** False when a newer report was already held; `held` is that report. */
  accepted: boolean;
  held: LatestPosition;
  /** The index change's stream id, null when the index kept a newer point. */
  streamId: string | null;
}

export interface TakenBatch {
  /** The lease deadline the claims carry; pass it back to settle or give back. */
  claim: string;
  positions: { driverId: number; position: LatestPosition }[];
}

const optional = (n: number | null) => (n === null ? '' : String(n));
const parseOptional = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));

export const encodeLatest = (p: LatestPosition): string =>
  [p.lat, p.lon, p.recordedAtMs, optional(p.heading), optional(p.speed), optional(p.accuracy)].join(
    ',',
  );

export function decodeLatest(raw: string): LatestPosition {
  const [lat, lon, at, heading, speed, accuracy] = raw.split(',');
  return {
    lat: Number(lat),
    lon: Number(lon),
    recordedAtMs: Number(at),
    heading: parseOptional(heading),
    speed: parseOptional(speed),
    accuracy: parseOptional(accuracy),
  };
}

const { previousAt } = indexScriptParts;

/**
 * KEYS: index, seq, stream, latest, dirty, offline marks. ARGV: driver id, index value, recorded-at ms,
 * stream max length, latest value. The latest hash decides "older"; the index keeps its own
 * check too (after a Redis wipe it is rebuilt from PostgreSQL while the latest hash is empty).
 */
const reportScript = `local held = redis.call('HGET', KEYS[4], ARGV[1])
local heldAt = held and tonumber(string.match(held, '^[^,]*,[^,]*,([^,]*)'))
if heldAt and heldAt > tonumber(ARGV[3]) then return {0, held} end
redis.call('HSET', KEYS[4], ARGV[1], ARGV[5])
redis.call('SADD', KEYS[5], ARGV[1])
if redis.call('SISMEMBER', KEYS[6], ARGV[1]) == 1 then return {1, ARGV[5]} end
${previousAt}
if prevAt and prevAt > tonumber(ARGV[3]) then return {1, ARGV[5]} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local seq = redis.call('INCR', KEYS[2])
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 's', seq, 'd', ARGV[1], 'v', ARGV[2])
return {1, ARGV[5], id}`;

/** KEYS: latest, dirty, claimed. ARGV: now ms, lease deadline, max count. */
const takeScript = `local lapsed = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[1], 'LIMIT', 0, 1000)
for _, id in ipairs(lapsed) do redis.call('SADD', KEYS[2], id) end
if #lapsed > 0 then redis.call('ZREM', KEYS[3], unpack(lapsed)) end
local ids = redis.call('SPOP', KEYS[2], ARGV[3])
local out = {}
for _, id in ipairs(ids) do
  local value = redis.call('HGET', KEYS[1], id)
  if value then
    redis.call('ZADD', KEYS[3], ARGV[2], id)
    out[#out + 1] = id
    out[#out + 1] = value
  end
end
return out`;

/** KEYS: dirty, claimed. ARGV: lease deadline, '1' to re-mark dirty, ids… */
const releaseScript = `for i = 3, #ARGV do
  if tonumber(redis.call('ZSCORE', KEYS[2], ARGV[i])) == tonumber(ARGV[1]) then
    redis.call('ZREM', KEYS[2], ARGV[i])
    if ARGV[2] == '1' then redis.call('SADD', KEYS[1], ARGV[i]) end
  end
end
return 0`;

/**
 * EVALSHA, falling back to EVAL when Redis does not know the script (after a restart): the
 * script text is most of a report's bytes, and sending it on every report cost more CPU than
 * the rest of the request. A fallback runs after commands sent later; that is safe here,
 * because the report script decides by recorded time and by the offline mark, not by order.
 */
function cachedScript(script: string) {
  const sha = createHash('sha1').update(script).digest('hex');
  return async (redis: Redis, keys: string[], args: string[]): Promise<unknown> => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (e: unknown) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return redis.eval(script, keys.length, ...keys, ...args);
    }
  };
}

interface PendingCall {
  keys: string[];
  args: string[];
  resolve: (reply: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Like `cachedScript`, but the calls made in one turn of the event loop go to Redis as one
 * pipeline: one socket write (and one read on Redis' side) for every report that arrived
 * together, instead of one each — the writes were a tenth of a busy web process's time. The
 * batch leaves at `setImmediate`, once the turn's I/O callbacks have all run; each call still
 * gets its own reply (or error, or its own command timeout), in order. All keys of a report
 * share the `{positions}` hash tag, so on a cluster the pipeline is one node's.
 */
function batchedScript(redis: Redis, script: string) {
  const single = cachedScript(script);
  const sha = createHash('sha1').update(script).digest('hex');
  let pending: PendingCall[] = [];

  const settle = (call: PendingCall, run: Promise<unknown>) => run.then(call.resolve, call.reject);

  function flush(): void {
    const calls = pending;
    pending = [];
    if (calls.length === 1) {
      void settle(calls[0]!, single(redis, calls[0]!.keys, calls[0]!.args));
      return;
    }
    const pipeline = redis.pipeline();
    for (const call of calls) pipeline.evalsha(sha, call.keys.length, ...call.keys, ...call.args);
    pipeline.exec().then(
      (results) => {
        calls.forEach((call, i) => {
          const [error, reply] = results?.[i] ?? [new Error('no reply in the pipeline')];
          if (!error) call.resolve(reply);
          // Redis does not know the script (restarted): this one call falls back to EVAL.
          else if (error.message.startsWith('NOSCRIPT'))
            void settle(call, single(redis, call.keys, call.args));
          else call.reject(error);
        });
      },
      (e: unknown) => calls.forEach((call) => call.reject(e)),
    );
  }

  return (keys: string[], args: string[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      pending.push({ keys, args, resolve, reject });
      if (pending.length === 1) setImmediate(flush);
    });
}

export interface PositionReports {
  report(driverId: number, position: LatestPosition): Promise<ReportOutcome>;
  /** Takes up to `count` dirty drivers with their latest report, claimed for `leaseMs`. */
  take(count: number, leaseMs: number): Promise<TakenBatch>;
  /** The batch is in PostgreSQL: drop this writer's claims. */
  settle(batch: TakenBatch): Promise<void>;
  /** Writing failed: the drivers are dirty again for the next take. */
  giveBack(batch: TakenBatch): Promise<void>;
  /** The driver's latest report, null when none is held. */
  latest(driverId: number): Promise<LatestPosition | null>;
  /** How many drivers wait to be written (dirty plus claimed). */
  backlog(): Promise<number>;
}

export function createPositionReports(
  redis: Redis,
  prefix: string,
  options: { streamMaxLength?: number } = {},
): PositionReports {
  const keys = positionKeys(prefix);
  const maxLength = String(options.streamMaxLength ?? 100_000);
  const runReport = batchedScript(redis, reportScript);
  let claims = 0;

  async function release(batch: TakenBatch, markDirty: boolean): Promise<void> {
    if (batch.positions.length === 0) return;
    const ids = batch.positions.map((p) => String(p.driverId));
    await redis.eval(
      releaseScript,
      2,
      keys.dirtyKey,
      keys.claimedKey,
      batch.claim,
      markDirty ? '1' : '0',
      ...ids,
    );
  }

  return {
    async report(driverId, position) {
      const reply = (await runReport(
        [
          keys.positionsKey,
          keys.seqKey,
          keys.streamKey,
          keys.latestKey,
          keys.dirtyKey,
          keys.offlineKey,
        ],
        [
          String(driverId),
          `${position.lat},${position.lon},${position.recordedAtMs}`,
          String(position.recordedAtMs),
          maxLength,
          encodeLatest(position),
        ],
      )) as [number, string, string?];
      return {
        accepted: reply[0] === 1,
        held: decodeLatest(reply[1]),
        streamId: reply[2] ?? null,
      };
    },

    async take(count, leaseMs) {
      const now = Date.now();
      // Distinct per take (a counter below 1 ms), so a writer only ever releases its own claims.
      const claim = String(now + leaseMs + (claims++ % 1000) / 1000);
      const reply = (await redis.eval(
        takeScript,
        3,
        keys.latestKey,
        keys.dirtyKey,
        keys.claimedKey,
        String(now),
        claim,
        String(count),
      )) as string[];
      const positions: TakenBatch['positions'] = [];
      for (let i = 0; i + 1 < reply.length; i += 2) {
        positions.push({ driverId: Number(reply[i]), position: decodeLatest(reply[i + 1]!) });
      }
      return { claim, positions };
    },

    settle: (batch) => release(batch, false),
    giveBack: (batch) => release(batch, true),

    async latest(driverId) {
      const raw = await redis.hget(keys.latestKey, String(driverId));
      return raw === null ? null : decodeLatest(raw);
    },

    async backlog() {
      const replies = await redis.multi().scard(keys.dirtyKey).zcard(keys.claimedKey).exec();
      return Number(replies?.[0]?.[1] ?? 0) + Number(replies?.[1]?.[1] ?? 0);
    },
  };
}
