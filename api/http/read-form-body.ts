/** Reads a small `application/x-www-form-urlencoded` body (the JSON parser leaves it alone). */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../../lib/errors/app-error.js';

export async function readFormBody(
  req: IncomingMessage,
  limitBytes: number,
): Promise<URLSearchParams> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    throw new AppError('unsupported_media_type');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new AppError('payload_too_large');
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
