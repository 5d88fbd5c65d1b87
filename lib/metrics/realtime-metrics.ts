/** Realtime process: how many sockets this node holds right now. */
import { Gauge, type Registry } from 'prom-client';

export function registerSocketGauge(registry: Registry, countSockets: () => number): void {
  new Gauge({
    name: 'invo_realtime_connected_sockets',
    help: 'Socket.IO and plain WebSocket connections held by this realtime node',
    registers: [registry],
    collect() {
      this.set(countSockets());
    },
  });
}
