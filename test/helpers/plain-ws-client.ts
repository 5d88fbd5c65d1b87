/**
 * A plain WebSocket client (the `ws` package), as the original apps' `web_socket_channel`
 * connects: `ws://host/ws/orders/{id}/?token=…`, JSON text frames `{type, data}`.
 */
import WebSocket from 'ws';

export interface PlainMessage {
  type: string;
  data?: any;
}

export interface PlainClient {
  ws: WebSocket;
  messages: PlainMessage[];
  of(type: string): any[];
  /** Resolves once open; rejects when the upgrade is refused with an HTTP status. */
  opened: Promise<void>;
  /** The close frame's code and reason (the server's refusal or drop). */
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
}

export function connectPlain(
  baseUrl: string,
  path: string,
  token?: string,
  headers: Record<string, string> = {},
): PlainClient {
  const url = new URL(path, baseUrl.replace(/^http/, 'ws'));
  if (token !== undefined) url.searchParams.set('token', token);
  const ws = new WebSocket(url, { headers });
  const messages: PlainMessage[] = [];
  ws.on('message', (raw) =>
    messages.push(JSON.parse((raw as Buffer).toString('utf8')) as PlainMessage),
  );
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`upgrade refused: ${res.statusCode}`)),
    );
    ws.once('error', reject);
  });
  opened.catch(() => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return {
    ws,
    messages,
    of: (type) => messages.filter((m) => m.type === type).map((m) => m.data as unknown),
    opened,
    closed,
    send: (message) => ws.send(JSON.stringify(message)),
  };
}
