/** Drivers with status, trips today and the age of their last position, filtered like the map. */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { useConsole, useTopic } from '../context.js';
import { fill } from '../i18n.js';
import { formatDuration } from '../queue-rules.js';
import type { Filters } from './shift.js';

interface Props {
  filters: Filters;
  now: number;
}

const shownAtMost = 200;

export function DriversList({ filters, now }: Props) {
  const { t, store } = useConsole();
  useTopic(store, 'drivers');
  const [tripsToday, setTripsToday] = useState<Record<string, number>>({});
  useEffect(() => {
    const load = () =>
      void get<{ trips_today: Record<string, number> }>('/api/drivers/trips-today/')
        .then((body) => setTripsToday(body.trips_today))
        .catch(() => undefined);
    load();
    return store.on('drivers', load);
  }, [store]);

  const drivers = [...store.drivers.values()]
    .filter((d) => filters.regionId === '' || d.region?.id === filters.regionId)
    .filter((d) => filters.driverStatus === '' || d.status === filters.driverStatus)
    .sort((a, b) => Number(b.is_online) - Number(a.is_online) || a.name.localeCompare(b.name));
  return (
    <section class="drivers" aria-label={t.drivers}>
      <h2>
        {t.drivers} <span class="badge">{drivers.length}</span>
      </h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t.driverName}</th>
            <th scope="col">{t.status}</th>
            <th scope="col">{t.tripsToday}</th>
            <th scope="col">{t.positionAge}</th>
          </tr>
        </thead>
        <tbody>
          {drivers.slice(0, shownAtMost).map((driver) => (
            <tr key={driver.id}>
              <th scope="row">
                {driver.name}
                {driver.wheelchair_accessible && (
                  <span class="accessible-mark" title={t.accessible}>
                    {' '}
                    <span aria-hidden="true">♿</span>
                    <span class="visually-hidden">{t.accessible}</span>
                  </span>
                )}
                <span class="small">
                  {' '}
                  {driver.car_model} · {driver.plate_number}
                </span>
              </th>
              <td>
                <span class={`status s-${driver.status}`}>
                  {t.driverStatusNames[driver.status] ?? driver.status}
                </span>
              </td>
              <td>{tripsToday[String(driver.id)] ?? 0}</td>
              <td>
                {driver.last_location_update
                  ? fill(t.ago, {
                      time: formatDuration((now - Date.parse(driver.last_location_update)) / 1000),
                    })
                  : t.never}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {drivers.length > shownAtMost && (
        <p class="note small">
          {shownAtMost} / {drivers.length}
        </p>
      )}
    </section>
  );
}
