/** Reads a raw request body (an uploaded file) up to a size limit; the JSON parser leaves it alone. */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../../lib/errors/app-error.js';

export async function readFileBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) throw new AppError('payload_too_large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new AppError('payload_too_large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
