/**
 * The console in the staff room: every order change (`order_update`, the full order) and
 * every driver position (`driver_position`). WebSocket only (no long-polling), so no CORS is
 * needed between the page's origin and realtime's. After each (re)connect, and on `resync`,
 * the orders are re-read, as the contract asks, so nothing missed stays missing.
 */
import { io, type Socket } from 'socket.io-client';
import type { ConsoleStore } from './store.js';
import type { ClientToServerEvents, ServerToClientEvents } from './types.js';

export type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectRealtime(
  url: string,
  token: string,
  store: ConsoleStore,
  resync: () => Promise<void>,
): ConsoleSocket {
  const socket: ConsoleSocket = io(url, { auth: { token }, transports: ['websocket'] });
  socket.on('connect', () => {
    store.isLive = true;
    store.emit('connection');
    void resync();
  });
  socket.on('disconnect', () => {
    store.isLive = false;
    store.emit('connection');
  });
  // The node's fan-out subscription came back after a loss (a Redis restart): changes
  // published meanwhile never reached this socket, so re-read as after a reconnect.
  socket.on('resync', () => void resync());
  socket.on('order_update', (order) => store.upsertOrder(order));
  socket.on('driver_position', (position) => store.applyPosition(position));
  return socket;
}
