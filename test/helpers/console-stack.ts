/**
 * The processes the dispatcher console needs, started from their bin scripts: a worker (the
 * outbox relay feeds realtime), a realtime node, and the web process serving /console/ and
 * telling the page where realtime is.
 */
import { createServer } from 'node:net';
import { once } from 'node:events';
import { startServiceProcess, type ServiceProcess } from './service-process.js';
import { startWorkerProcess, type WorkerProcess } from './worker-processes.js';

export interface ConsoleStack {
  baseUrl: string;
  web: ServiceProcess;
  realtime: ServiceProcess;
  worker: WorkerProcess;
  /** Warnings and errors the processes logged, for a failing test's message. */
  warnings(): string;
  stop(): Promise<void>;
}

/** A port free right now on loopback (the web's, known before realtime must allow its origin). */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startConsoleStack(env: NodeJS.ProcessEnv): Promise<ConsoleStack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = () => Promise.all(stops.splice(0).map((stop) => stop())).then(() => undefined);
  const track = (process: ServiceProcess) => {
    stops.push(async () => {
      process.child.kill('SIGTERM');
      await process.exited;
    });
    return process;
  };
  try {
    // The page is served by web and talks to realtime on another port: realtime allows the
    // page's origin only when CORS_ORIGINS lists it, as in production.
    const webPort = await freePort();
    const origin = `http://127.0.0.1:${webPort}`;
    const base = { HOST: '127.0.0.1', DATABASE_POOL_MAX: '4', CORS_ORIGINS: origin, ...env };
    const [realtime, worker] = await Promise.all([
      startServiceProcess(
        'bin/realtime.ts',
        'realtime listening',
        { ...base, REALTIME_PORT: '0' },
        60_000,
      ).then(track),
      startWorkerProcess(base, 60_000).then((w) => {
        stops.push(() => w.kill());
        return w;
      }),
    ]);
    const web = track(
      await startServiceProcess(
        'bin/web.ts',
        'web listening',
        { ...base, PORT: String(webPort), REALTIME_PORT: String(realtime.port) },
        60_000,
      ),
    );
    const warnings = () =>
      [...web.lines, ...realtime.lines, ...worker.output().split('\n')]
        .filter((line) => /"level":(40|50|60)/.test(line))
        .join('\n');
    return {
      baseUrl: origin,
      web,
      realtime,
      worker,
      warnings,
      stop: stopAll,
    };
  } catch (e: unknown) {
    await stopAll();
    throw e;
  }
}
