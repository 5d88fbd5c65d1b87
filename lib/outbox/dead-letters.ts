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
import type { UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
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

type DeadLetterDeps = Pick<AppDeps, 'db'>;

/** Admins only (the route's access rule); the actor is part of every use case's shape. */
export async function listDeadLetters(
  deps: DeadLetterDeps,
  _actor: UserActor,
  request: PageRequest,
): Promise<{ count: number; results: DeadLetterView[] }> {
  const window = toPageWindow(request);
  const [count, rows] = await Promise.all([
    countDeadLetteredOutbox(deps.db.knex),
    listDeadLetteredOutbox(deps.db.knex, window),
  ]);
  return { count, results: rows.map(toView) };
}

/** Puts the row back in line; the log names who did it, since it re-sends a message. */
export async function replayDeadLetter(
  deps: DeadLetterDeps & Pick<AppDeps, 'logger'>,
  actor: UserActor,
  input: { id: number },
): Promise<{ id: number; replayed: true }> {
  if (!(await replayDeadLetteredOutbox(deps.db.knex, input.id))) throw new AppError('not_found');
  deps.logger.info({ outboxId: input.id, actorUserId: actor.userId }, 'dead letter replayed');
  return { id: input.id, replayed: true };
}
