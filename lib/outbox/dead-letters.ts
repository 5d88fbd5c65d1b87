/**
 * Outbox rows the relay set aside (dead-lettered) after failing to publish them: listed for
 * the operator with their last error, and replayable once the cause is fixed (the row goes
 * back in line with fresh attempts; the relay's sweep picks it up within seconds).
 */
import {
  countDeadLetteredOutbox,
  listDeadLetteredOutbox,
  replayDeadLetteredOutbox,
  type DeadLetterRow,
} from '../../db/repositories/outbox.repository.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../errors/app-error.js';
import { toPageWindow, type PageRequest } from '../pagination/paginate.js';

export interface DeadLetterView {
  id: number;
  topic: string;
  payload: Record<string, unknown>;
  job_id: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string;
  dead_lettered_at: string;
}

const toView = (row: DeadLetterRow): DeadLetterView => ({
  id: Number(row.id),
  topic: row.topic,
  payload: row.payload,
  job_id: row.job_id,
  attempts: row.attempts,
  last_error: row.last_error,
  created_at: row.created_at.toISOString(),
  dead_lettered_at: row.dead_lettered_at.toISOString(),
});

export async function listDeadLetters(
  db: Db,
  request: PageRequest,
): Promise<{ count: number; results: DeadLetterView[] }> {
  const window = toPageWindow(request);
  const [count, rows] = await Promise.all([
    countDeadLetteredOutbox(db),
    listDeadLetteredOutbox(db, window),
  ]);
  return { count, results: rows.map(toView) };
}

export async function replayDeadLetter(db: Db, id: number): Promise<void> {
  if (!(await replayDeadLetteredOutbox(db, id))) throw new AppError('not_found');
}
