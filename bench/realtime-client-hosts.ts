/**
 * Spreads the passengers' sockets over child processes (bench/realtime-client-host.ts) and
 * feeds what they receive into the bench's probe, on the bench's own clock.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { ClientHostCommand, ClientHostReport } from './realtime-client-host.js';
import type { Probe } from './realtime-phases.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ClientHosts {
  disconnect(): Promise<void>;
}

export async function startClientHosts(
  hostCount: number,
  clients: { url: string; token: string }[],
  probe: Probe,
): Promise<ClientHosts> {
  const children: ChildProcess[] = Array.from({ length: hostCount }, () => {
    const child = fork(path.join(here, 'realtime-client-host.ts'), [], {
      execArgv: ['--import', 'tsx'],
    });
    process.once('exit', () => child.kill('SIGKILL'));
    child.on('message', (report: ClientHostReport) => {
      if (report.type !== 'received') return;
      probe.deliveries += report.deliveries;
      for (const [key, wallAt] of report.keys) probe.received(key, wallAt - performance.timeOrigin);
    });
    return child;
  });
  await Promise.all(
    children.map(async (child, i) => {
      const share = clients.filter((_, j) => j % hostCount === i);
      const connected = new Promise<void>((resolve) => {
        const onMessage = (report: ClientHostReport) => {
          if (report.type !== 'connected') return;
          child.off('message', onMessage);
          resolve();
        };
        child.on('message', onMessage);
      });
      child.send({ type: 'connect', clients: share } satisfies ClientHostCommand);
      await connected;
    }),
  );
  return {
    disconnect: async () => {
      await Promise.all(
        children.map(async (child) => {
          const exited = once(child, 'exit');
          child.send({ type: 'disconnect' } satisfies ClientHostCommand);
          await exited;
        }),
      );
    },
  };
}
