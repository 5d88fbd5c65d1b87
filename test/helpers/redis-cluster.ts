/**
 * A private Redis Cluster of three masters (no replicas) on loopback ports `basePort`…+2,
 * each `redis-server --cluster-enabled yes` in a temporary directory, joined with
 * `redis-cli --cluster create`. Nothing is persisted; `stop` kills the servers and removes
 * the directory.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pollUntil } from './poll-until.js';

const run = promisify(execFile);

export interface RedisCluster {
  ports: number[];
  /** `host:port,…`, as REDIS_CLUSTER_NODES takes it. */
  nodes: string;
  /**
   * SIGKILLs the node on `port` and starts it again on its own nodes.conf: it comes back
   * empty (nothing persisted) but serving the same slots, as a master restarted in place.
   */
  restartNode(port: number): Promise<void>;
  stop(): Promise<void>;
}

/** Resolves once the server says it accepts connections (its own log line, on stdout). */
async function serverReady(child: ChildProcess, port: number): Promise<void> {
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server ${port} not ready:\n${output}`)),
      15_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server ${port} exited (${String(code)}):\n${output}`));
    });
  });
}

export async function startRedisCluster(basePort: number): Promise<RedisCluster> {
  const ports = [basePort, basePort + 1, basePort + 2];
  const dir = mkdtempSync(path.join(tmpdir(), `invo-redis-cluster-${basePort}-`));
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }),
    );
    process.removeListener('exit', killAll);
    rmSync(dir, { recursive: true, force: true });
  };
  const startNode = (port: number) => {
    const nodeDir = path.join(dir, String(port));
    mkdirSync(nodeDir, { recursive: true });
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        nodeDir,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        path.join(nodeDir, 'nodes.conf'),
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children[ports.indexOf(port)] = child;
    return serverReady(child, port);
  };
  const clusterOk = () =>
    pollUntil(
      async () => {
        const states = await Promise.all(
          ports.map((port) =>
            run('redis-cli', ['-p', String(port), 'cluster', 'info']).then(
              (r) => r.stdout.includes('cluster_state:ok'),
              () => false,
            ),
          ),
        );
        return states.every(Boolean);
      },
      20_000,
      'cluster_state:ok on every node',
    );
  try {
    await Promise.all(ports.map(startNode));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    // Every node must agree that all slots are served before clients may rely on it.
    await clusterOk();
  } catch (e: unknown) {
    await stop();
    throw e;
  }
  const restartNode = async (port: number) => {
    const child = children[ports.indexOf(port)]!;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    await startNode(port);
    await clusterOk();
  };
  return {
    ports,
    nodes: ports.map((port) => `127.0.0.1:${port}`).join(','),
    restartNode,
    stop,
  };
}
