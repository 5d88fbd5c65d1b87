/** The live queue: one item per order that needs a person, with its reason and wait badge. */
import { useConsole } from '../context.js';
import { fill } from '../i18n.js';
import { formatDuration, waitLevel, type QueueEntry, type QueueReason } from '../queue-rules.js';

interface Props {
  queue: QueueEntry[];
  now: number;
  openOrderId: string | null;
  onOpen: (orderId: string) => void;
}

/** Longest waits first; past this many, the region filter narrows the list. */
const shownAtMost = 150;

export function QueuePanel({ queue, openOrderId, onOpen }: Props) {
  const { t } = useConsole();
  const reasonText: Record<QueueReason, string> = {
    review: t.statusNames.awaiting_dispatcher_decision ?? t.reasonReview,
    prebooked: t.reasonPrebooked,
    matching_long: t.reasonMatchingLong,
    offered_long: t.reasonOfferedLong,
  };
  return (
    <section class="queue" aria-label={t.queue}>
      <h2 id="queue-heading">
        {t.queue} <span class="badge count-badge">{queue.length}</span>
      </h2>
      {queue.length === 0 ? (
        <p class="note">{t.queueEmpty}</p>
      ) : (
        <ul class="queue-list">
          {queue.slice(0, shownAtMost).map((entry) => (
            <li key={entry.order.id} class={entry.order.id === openOrderId ? 'open' : undefined}>
              <button
                type="button"
                class="queue-item"
                aria-expanded={entry.order.id === openOrderId}
                onClick={() => onOpen(entry.order.id)}
              >
                <span class="pickup">{entry.order.pickup_title}</span>
                <span class="dropoff">→ {entry.order.dropoff_title}</span>
                <span class="meta">
                  <span class={`badge wait ${waitLevel(entry.waitSeconds)}`}>
                    {fill(t.waitedFor, { time: formatDuration(entry.waitSeconds) })}
                  </span>
                  {entry.dueInSeconds !== null && entry.dueInSeconds > 0 && (
                    <span class="badge">
                      {fill(t.dueIn, { time: formatDuration(entry.dueInSeconds) })}
                    </span>
                  )}
                  <span class="reason">{reasonText[entry.reason]}</span>
                  {entry.order.needs_wheelchair_access && (
                    <span class="badge accessible" title={t.needsAccessible}>
                      <span aria-hidden="true">♿</span>
                      <span class="visually-hidden">{t.needsAccessible}</span>
                    </span>
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {queue.length > shownAtMost && (
        <p class="note small">
          {fill(t.queueTruncated, { shown: shownAtMost, count: queue.length })}
        </p>
      )}
    </section>
  );
}
