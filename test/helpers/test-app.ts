/** Starts the real Koa app on port 0 and gives a small JSON client for it. */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createHttpApp } from '../../api/http/app.js';
import { answerParserErrors } from '../../api/http/client-error.js';
import type { AppDeps } from '../../lib/deps.js';
import type { Clock } from '../../lib/clock/clock.js';
import { closeDeps, createTestDeps } from './test-deps.js';

export interface TestResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as-is instead of JSON.stringify(body). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  baseUrl: string;
  server: Server;
  request<T = any>(
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<TestResponse<T>>;
  close(): Promise<void>;
}

export async function startTestApp(deps: AppDeps): Promise<TestApp> {
  const http = createHttpApp(deps);
  const handle = http.app.callback();
  const server = createServer((req, res) => void handle(req, res));
  answerParserErrors(server, deps.config.defaultLocale);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    server,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined;
      if (options.rawBody !== undefined) body = options.rawBody;
      else if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed as never, headers: response.headers };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Real dependencies and the app on port 0, for a suite's `before`. */
export async function openTestApp(
  overrides: NodeJS.ProcessEnv = {},
  clock?: Clock,
): Promise<{ deps: AppDeps; app: TestApp }> {
  const deps = createTestDeps(overrides, clock);
  return { deps, app: await startTestApp(deps) };
}

/** The suite's `after`: the app first, then its connections. */
export async function closeTestApp(deps: AppDeps, app: TestApp): Promise<void> {
  await app.close();
  await closeDeps(deps);
}
