/**
 * Alerts: offers unanswered too long, online drivers whose position went stale, orders
 * waiting too long. Derived from what the store holds, re-evaluated every second.
 */
import { useConsole, useTopic } from '../context.js';
import { fill } from '../i18n.js';
import { formatDuration, type QueueEntry } from '../queue-rules.js';
import type { Filters } from './shift.js';

interface Props {
  queue: QueueEntry[];
  now: number;
  filters: Filters;
  onOpenOrder: (orderId: string) => void;
}

const waitingTooLongSeconds = 600;
const shownAtMost = 30;

export function Alerts({ queue, now, filters, onOpenOrder }: Props) {
  const { t, store, settings } = useConsole();
  useTopic(store, 'drivers');
  const alerts: { key: string; text: string; orderId?: string }[] = [];
  for (const entry of queue) {
    if (entry.reason === 'offered_long') {
      alerts.push({
        key: `offer-${entry.order.id}`,
        orderId: entry.order.id,
        text: fill(t.alertOfferUnanswered, {
          driver: entry.order.driver?.name ?? '—',
          time: formatDuration((now - Date.parse(entry.order.updated_at)) / 1000),
          order: entry.order.pickup_title,
        }),
      });
    } else if (entry.waitSeconds > waitingTooLongSeconds) {
      alerts.push({
        key: `wait-${entry.order.id}`,
        orderId: entry.order.id,
        text: fill(t.alertOrderWaiting, {
          order: entry.order.pickup_title,
          time: formatDuration(entry.waitSeconds),
        }),
      });
    }
  }
  for (const driver of store.drivers.values()) {
    if (!driver.is_online) continue;
    if (filters.regionId !== '' && driver.region?.id !== filters.regionId) continue;
    const age = driver.last_location_update
      ? (now - Date.parse(driver.last_location_update)) / 1000
      : Infinity;
    if (age > settings.position_fresh_seconds) {
      alerts.push({
        key: `stale-${driver.id}`,
        text: fill(t.alertPositionStale, {
          driver: driver.name,
          time: Number.isFinite(age) ? formatDuration(age) : t.never,
        }),
      });
    }
  }
  return (
    <section class="alerts" aria-label={t.alerts}>
      <h2>
        {t.alerts} <span class="badge">{alerts.length}</span>
      </h2>
      {alerts.length === 0 ? (
        <p class="note">{t.alertsNone}</p>
      ) : (
        <ul>
          {alerts.slice(0, shownAtMost).map((alert) => (
            <li key={alert.key}>
              {alert.orderId ? (
                <button type="button" class="link" onClick={() => onOpenOrder(alert.orderId!)}>
                  {alert.text}
                </button>
              ) : (
                alert.text
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
