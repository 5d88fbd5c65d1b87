/**
 * Requests Node's HTTP parser refuses before Koa sees them (a method it does not know, such as
 * `FOO`, a malformed request line or header): answered in the contract's error shape instead
 * of Node's bare `400 Bad Request`. Unknown methods get 405, like the ones Koa sees.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorMessages, type Locale } from '../../lib/i18n/messages.js';

export function answerParserErrors(server: Server, locale: Locale): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const isMethod = error.code === 'HPE_INVALID_METHOD';
    const code = isMethod ? 'method_not_allowed' : 'validation_failed';
    const status = isMethod ? '405 Method Not Allowed' : '400 Bad Request';
    const body = JSON.stringify({ error: errorMessages[code][locale], code });
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  });
}
