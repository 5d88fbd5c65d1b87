/**
 * The index of live driver positions on H3 cells, in Redis so every worker on every machine
 * sees the same drivers. Each driver sits in exactly one cell set; a move updates the
 * position and the cell membership in one MULTI, so a search never sees a driver twice.
 * A search walks rings of cells outward from the pickup's cell up to the radius.
 */
import { getHexagonEdgeLengthAvg, gridDisk, latLngToCell } from 'h3-js';
import type { Redis } from '../redis/redis.js';
import { redisKey } from '../redis/redis.js';
import { haversineMeters } from './haversine.js';

export interface DriverPosition {
  driverId: number;
  lat: number;
  lon: number;
  recordedAt: Date;
}

export interface NearbyDriver extends DriverPosition {
  distanceMeters: number;
}

export interface NearbyQuery {
  lat: number;
  lon: number;
  radiusMeters: number;
  /** Positions recorded before this are stale and left out. */
  freshSince: Date;
  limit?: number;
}

export interface DriverPositionIndex {
  upsert(position: DriverPosition): Promise<void>;
  remove(driverId: number): Promise<void>;
  /** Drivers within the radius with a fresh position, nearest first (ties by id). */
  nearby(query: NearbyQuery): Promise<NearbyDriver[]>;
}

/** Resolution 8: cells about 0.46 km across an edge, a few per city block cluster. */
export const indexResolution = 8;
const edgeMeters = getHexagonEdgeLengthAvg(indexResolution, 'm');

export function cellOf(lat: number, lon: number): string {
  return latLngToCell(lat, lon, indexResolution);
}

/** Rings needed so that every point within the radius lies in a searched cell. */
export function ringsFor(radiusMeters: number): number {
  return Math.ceil(radiusMeters / (edgeMeters * Math.sqrt(3))) + 1;
}

export function createRedisDriverPositionIndex(redis: Redis, prefix: string): DriverPositionIndex {
  const positionsKey = redisKey(prefix, 'geo', 'positions');
  const cellKey = (cell: string) => redisKey(prefix, 'geo', 'cell', cell);
  const encode = (p: DriverPosition, cell: string) =>
    `${p.lat},${p.lon},${p.recordedAt.getTime()},${cell}`;
  const decode = (driverId: number, raw: string) => {
    const [lat, lon, at, cell] = raw.split(',');
    return {
      driverId,
      lat: Number(lat),
      lon: Number(lon),
      recordedAt: new Date(Number(at)),
      cell: cell ?? '',
    };
  };

  return {
    async upsert(position) {
      const cell = cellOf(position.lat, position.lon);
      const previous = await redis.hget(positionsKey, String(position.driverId));
      const multi = redis.multi();
      if (previous) {
        const old = decode(position.driverId, previous);
        if (old.recordedAt.getTime() > position.recordedAt.getTime()) return;
        if (old.cell !== cell) multi.srem(cellKey(old.cell), String(position.driverId));
      }
      multi.sadd(cellKey(cell), String(position.driverId));
      multi.hset(positionsKey, String(position.driverId), encode(position, cell));
      await multi.exec();
    },

    async remove(driverId) {
      const previous = await redis.hget(positionsKey, String(driverId));
      if (!previous) return;
      const multi = redis.multi();
      multi.srem(cellKey(decode(driverId, previous).cell), String(driverId));
      multi.hdel(positionsKey, String(driverId));
      await multi.exec();
    },

    async nearby(query) {
      const cells = gridDisk(cellOf(query.lat, query.lon), ringsFor(query.radiusMeters));
      const pipeline = redis.pipeline();
      for (const cell of cells) pipeline.smembers(cellKey(cell));
      const members = (await pipeline.exec()) ?? [];
      const ids = members.flatMap(([, value]) => (Array.isArray(value) ? (value as string[]) : []));
      if (ids.length === 0) return [];
      const raws = await redis.hmget(positionsKey, ...ids);
      const found: NearbyDriver[] = [];
      ids.forEach((id, i) => {
        const raw = raws[i];
        if (!raw) return;
        const p = decode(Number(id), raw);
        if (p.recordedAt < query.freshSince) return;
        const distanceMeters = haversineMeters(query.lat, query.lon, p.lat, p.lon);
        if (distanceMeters > query.radiusMeters) return;
        found.push({
          driverId: p.driverId,
          lat: p.lat,
          lon: p.lon,
          recordedAt: p.recordedAt,
          distanceMeters,
        });
      });
      found.sort((a, b) => a.distanceMeters - b.distanceMeters || a.driverId - b.driverId);
      return query.limit === undefined ? found : found.slice(0, query.limit);
    },
  };
}
