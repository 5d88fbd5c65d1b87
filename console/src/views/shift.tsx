/** The shift screen: filters, the live queue, the map, alerts, the drivers list, the order panel. */
import { useEffect, useState } from 'preact/hooks';
import { useConsole, useTick, useTopic } from '../context.js';
import { fill } from '../i18n.js';
import { buildQueue } from '../queue-rules.js';
import { Alerts } from './alerts.js';
import { DriversList } from './drivers-list.js';
import { MapView } from './map-view.js';
import { OrderPanel } from './order-panel.js';
import { QueuePanel } from './queue-panel.js';

export interface Filters {
  regionId: string;
  driverStatus: string;
}

export function Shift() {
  const { t, store } = useConsole();
  useTopic(store, 'orders');
  useTopic(store, 'regions');
  useTopic(store, 'connection');
  // Wait badges and position ages move with the clock; every 5 s is plenty and keeps a
  // 500-order queue cheap to redraw.
  const now = useTick(5000);
  const [filters, setFilters] = useState<Filters>({ regionId: '', driverStatus: '' });
  const [openOrderId, setOpenOrderId] = useState<string | null>(null);

  const queue = buildQueue(store.orders.values(), now).filter(
    (entry) => filters.regionId === '' || entry.order.region_id === filters.regionId,
  );
  useEffect(() => {
    document.title = queue.length > 0 ? `(${queue.length}) ${t.queue} · ${t.appTitle}` : t.appTitle;
  }, [queue.length, t]);

  return (
    <main id="main" class="shift" tabIndex={-1}>
      <h1 class="visually-hidden">{t.tabShift}</h1>
      <section class="filters" aria-label={t.filters}>
        <label>
          {t.region}{' '}
          <select
            value={filters.regionId}
            onChange={(e) => setFilters({ ...filters, regionId: e.currentTarget.value })}
          >
            <option value="">{t.allRegions}</option>
            {store.regions.map((region) => (
              <option value={region.id} key={region.id}>
                {region.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.status}{' '}
          <select
            value={filters.driverStatus}
            onChange={(e) => setFilters({ ...filters, driverStatus: e.currentTarget.value })}
          >
            <option value="">{t.allStatuses}</option>
            {Object.entries(t.driverStatusNames).map(([status, name]) => (
              <option value={status} key={status}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <span class={store.isLive ? 'live on' : 'live off'} role="status">
          {store.isLive ? '● live' : '○ offline'}
        </span>
        <span class="count">{fill(t.queueCount, { count: queue.length })}</span>
      </section>
      <QueuePanel queue={queue} now={now} onOpen={setOpenOrderId} openOrderId={openOrderId} />
      <div class="centre">
        <MapView filters={filters} onOpenOrder={setOpenOrderId} />
        <Alerts queue={queue} now={now} filters={filters} onOpenOrder={setOpenOrderId} />
      </div>
      <div class="side">
        {openOrderId ? (
          <OrderPanel orderId={openOrderId} onClose={() => setOpenOrderId(null)} />
        ) : (
          <DriversList filters={filters} now={now} />
        )}
      </div>
    </main>
  );
}
