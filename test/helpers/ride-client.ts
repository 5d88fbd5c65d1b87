/**
 * A client of the running system as the apps use it: JSON over HTTP to the web process,
 * OTP login, and a socket.io-client that records every event it receives with its arrival
 * time. For tests that drive real processes from the outside.
 */
import { connectClient, whenConnected, type ClientSocket } from './realtime-node.js';
import { pollUntil } from './poll-until.js';

export interface ApiReply<T = any> {
  status: number;
  body: T;
}

export interface ApiClient {
  call<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<ApiReply<T>>;
}

export function apiClient(baseUrl: string): ApiClient {
  return {
    async call(method, path, body, token) {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          'accept-language': 'en',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
  };
}

/** What `verify-otp` answers, as far as these tests read it. */
export interface Login {
  access: string;
  role: string;
  passenger_id?: number;
  driver_id?: number;
}

/** `phone-login` then `verify-otp`, as the apps do; fails loudly on any refusal. */
export async function loginByOtp(api: ApiClient, phone: string, code: string): Promise<Login> {
  const sent = await api.call('POST', '/api/auth/phone-login/', { phone });
  if (sent.status !== 200)
    throw new Error(`phone-login ${sent.status}: ${JSON.stringify(sent.body)}`);
  const verified = await api.call<Login>('POST', '/api/auth/verify-otp/', { phone, code });
  if (verified.status !== 200) {
    throw new Error(`verify-otp ${verified.status}: ${JSON.stringify(verified.body)}`);
  }
  return verified.body;
}

export interface Received {
  event: string;
  payload: any;
  /** Date.now() on arrival. */
  at: number;
}

export interface RecordingSocket {
  socket: ClientSocket;
  received: Received[];
  /** The payloads of one event, in arrival order. */
  of(event: string): any[];
}

/** A connected client that records everything it is sent. */
export async function connectRecording(url: string, token: string): Promise<RecordingSocket> {
  const socket = connectClient(url, token);
  const received: Received[] = [];
  socket.onAny((event: string, payload: unknown) =>
    received.push({ event, payload, at: Date.now() }),
  );
  await whenConnected(socket);
  return {
    socket,
    received,
    of: (event) => received.filter((r) => r.event === event).map((r) => r.payload),
  };
}

/**
 * Polls `check` until it holds; the error names what never happened (and what did). The
 * default wait is generous: a CI machine running other suites can be slow to deliver.
 */
export const waitFor = (
  check: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 30_000,
): Promise<void> => pollUntil(check, timeoutMs, what);
