/**
 * The shared source of truth for driver positions, in Redis: a hash driver id → position and,
 * written by the same Lua script (atomic), a sequence number and a stream of changes that
 * every process's in-memory mirror follows. A change carries its sequence number, so a mirror
 * that finds a gap (stream trimmed while it lagged, keys flushed) reloads the snapshot instead
 * of drifting.
 *
 * Every key of the family carries the `{positions}` hash tag: the scripts here and in
 * lib/geo/position-reports.ts touch several of them at once, so on Redis Cluster they must
 * share one slot.
 */
import type { Redis } from '../redis/redis.js';
import { redisGroupKey } from '../redis/redis.js';

export interface StoredPosition {
  lat: number;
  lon: number;
  recordedAtMs: number;
}

/** One entry of the change stream: a new position, or null when the driver left the index. */
export interface PositionChange {
  streamId: string;
  seq: number;
  driverId: number;
  position: StoredPosition | null;
}

export interface PositionSnapshot {
  seq: number;
  /** The stream id of change `seq`; follow the stream after it. */
  streamId: string;
  positions: Map<number, StoredPosition>;
}

/** Where the previous position's timestamp sits in the encoded value "lat,lon,recordedAtMs". */
const previousAt = `local prev = redis.call('HGET', KEYS[1], ARGV[1])
local prevAt = prev and tonumber(string.match(prev, '^[^,]*,[^,]*,([^,]*)'))`;
const appendChange = `local seq = redis.call('INCR', KEYS[2])
local id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 's', seq, 'd', ARGV[1], 'v', ARGV[2])
return {seq, id}`;

/**
 * ARGV: driver id, encoded position, recorded-at ms, stream max length. Older writes lose.
 * An upsert says the driver is searchable: it clears their offline mark (KEYS[4]).
 */
const upsertScript = `redis.call('SREM', KEYS[4], ARGV[1])
${previousAt}
if prevAt and prevAt > tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
${appendChange}`;

/**
 * ARGV: driver id, '' , only-if-recorded-at-or-before ms ('' = always), stream max length,
 * '1' to mark the driver offline (KEYS[4]): reports then stay out of the index until the next
 * upsert, however their check of PostgreSQL raced with the driver going offline.
 */
const removeScript = `if ARGV[5] == '1' then redis.call('SADD', KEYS[4], ARGV[1]) end
${previousAt}
if not prev then return 0 end
if ARGV[3] ~= '' and prevAt and prevAt > tonumber(ARGV[3]) then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
${appendChange}`;

export const encodePosition = (p: StoredPosition) => `${p.lat},${p.lon},${p.recordedAtMs}`;

export function decodePosition(raw: string): StoredPosition | null {
  if (raw === '') return null;
  const [lat, lon, at] = raw.split(',');
  return { lat: Number(lat), lon: Number(lon), recordedAtMs: Number(at) };
}

type StreamEntry = [id: string, fields: string[]];

/**
 * The head: the stream's newest change, its sequence number (field `s`) and id; 0 and `0-0`
 * when there is none. The scripts count (INCR) and append (XADD) in one step and trimming
 * (MAXLEN ~) never drops the newest entry, so this is the counter's value without reading it.
 */
function newestChange(entries: StreamEntry[] | undefined): { seq: number; streamId: string } {
  const [streamId, fields] = entries?.[0] ?? ['0-0', []];
  const at = fields.indexOf('s');
  return { seq: at < 0 ? 0 : Number(fields[at + 1]), streamId };
}

/** Compares stream ids "ms-n" numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('-').map(Number);
  const [bm = 0, bn = 0] = b.split('-').map(Number);
  return am - bm || an - bn;
}

/** The position family's keys, one hash tag so multi-key scripts stay in one cluster slot. */
export function positionKeys(prefix: string) {
  const key = (name: string) => redisGroupKey(prefix, 'positions', name);
  return {
    /** The index: driver id → "lat,lon,recordedAtMs" of online drivers. */
    positionsKey: key('index'),
    seqKey: key('seq'),
    streamKey: key('changes'),
    /** Every driver's latest report (online or not), "lat,lon,at,heading,speed,accuracy". */
    latestKey: key('latest'),
    /** Driver ids whose latest report is not yet in PostgreSQL. */
    dirtyKey: key('dirty'),
    /** Ids a writer has taken, scored by the time its claim lapses. */
    claimedKey: key('claimed'),
    /** Drivers taken out as offline: their reports stay out of the index until an upsert. */
    offlineKey: key('offline'),
  };
}

/** The index's "previous position" step, for lib/geo/position-reports.ts to build on. */
export const indexScriptParts = { previousAt };

export interface WriteResult {
  /** Null when nothing changed (an older position, or nothing to remove). */
  streamId: string | null;
}

export interface PositionStore {
  upsert(driverId: number, position: StoredPosition): Promise<WriteResult>;
  /** Removes the driver; with `ifRecordedAtOrBeforeMs`, only a position not newer than that. */
  remove(
    driverId: number,
    ifRecordedAtOrBeforeMs?: number,
    options?: { markOffline?: boolean },
  ): Promise<WriteResult>;
  /** Lifts the driver's offline mark, so their next report enters the index. */
  clearOfflineMark(driverId: number): Promise<void>;
  snapshot(): Promise<PositionSnapshot>;
  /** The latest sequence number and its stream id, to check a mirror is caught up. */
  head(): Promise<{ seq: number; streamId: string }>;
  /** Changes after `afterStreamId`, waiting up to `blockMs` on the given (dedicated) client. */
  readChanges(
    client: Redis,
    afterStreamId: string,
    blockMs: number,
    count: number,
  ): Promise<PositionChange[]>;
}

export interface PositionStoreOptions {
  /** Changes kept in the stream (approximate); a mirror lagging further reloads. */
  streamMaxLength?: number;
}

export function createPositionStore(
  redis: Redis,
  prefix: string,
  options: PositionStoreOptions = {},
): PositionStore {
  const { positionsKey, seqKey, streamKey, offlineKey } = positionKeys(prefix);
  const maxLength = String(options.streamMaxLength ?? 100_000);

  /**
   * EVAL, not EVALSHA with a NOSCRIPT retry: a retried write would run after writes sent later
   * (a remove overtaking the next upsert), and writes of one process must keep their order.
   */
  async function runScript(script: string, args: string[]): Promise<WriteResult> {
    const reply: unknown = await redis.eval(
      script,
      4,
      positionsKey,
      seqKey,
      streamKey,
      offlineKey,
      ...args,
    );
    return { streamId: Array.isArray(reply) ? String(reply[1]) : null };
  }

  return {
    upsert: (driverId, p) =>
      runScript(upsertScript, [
        String(driverId),
        encodePosition(p),
        String(p.recordedAtMs),
        maxLength,
      ]),

    remove: (driverId, ifRecordedAtOrBeforeMs, removeOptions = {}) =>
      runScript(removeScript, [
        String(driverId),
        '',
        ifRecordedAtOrBeforeMs === undefined ? '' : String(ifRecordedAtOrBeforeMs),
        maxLength,
        removeOptions.markOffline ? '1' : '',
      ]),

    async clearOfflineMark(driverId) {
      await redis.srem(offlineKey, String(driverId));
    },

    async snapshot() {
      const replies = await redis
        .multi()
        .hgetall(positionsKey)
        .xrevrange(streamKey, '+', '-', 'COUNT', 1)
        .exec();
      if (!replies) throw new Error('position snapshot transaction was aborted');
      for (const [error] of replies) if (error) throw error;
      const hash = (replies[0]?.[1] ?? {}) as Record<string, string>;
      const positions = new Map<number, StoredPosition>();
      for (const [id, raw] of Object.entries(hash)) {
        const position = decodePosition(raw);
        if (position) positions.set(Number(id), position);
      }
      return { ...newestChange(replies[1]?.[1] as StreamEntry[] | undefined), positions };
    },

    // One command, no MULTI: the newest entry carries its own sequence number.
    head: async () => newestChange(await redis.xrevrange(streamKey, '+', '-', 'COUNT', 1)),

    async readChanges(client, afterStreamId, blockMs, count) {
      const reply = await client.xread(
        'COUNT',
        count,
        'BLOCK',
        blockMs,
        'STREAMS',
        streamKey,
        afterStreamId,
      );
      const entries = reply?.[0]?.[1] ?? [];
      return entries.map(([streamId, fields]) => {
        const field = (name: string) => fields[fields.indexOf(name) + 1] ?? '';
        return {
          streamId,
          seq: Number(field('s')),
          driverId: Number(field('d')),
          position: decodePosition(field('v')),
        };
      });
    },
  };
}
