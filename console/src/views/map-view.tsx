/**
 * The map: Leaflet drawing GeoJSON (region polygons, open orders' pickups) and one circle
 * marker per driver, coloured by status, ringed when wheelchair accessible, faded when its
 * position is stale. Canvas rendering and in-place `setLatLng` keep 1,000 drivers and dozens
 * of position updates a second smooth; no view re-renders for a position. Tiles only when
 * CONSOLE_TILE_URL is set: without them the shapes sit on a plain background.
 */
import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import { useConsole } from '../context.js';
import { openStatuses } from '../queue-rules.js';
import type { StaffDriverView } from '../types.js';
import type { Filters } from './shift.js';

export const driverColours: Record<string, string> = {
  online_idle: '#1b7a3a',
  offered: '#b35c00',
  enroute_to_pickup: '#1f5fbf',
  on_trip: '#6a3fb5',
  paused: '#6b6b6b',
  offline: '#9a9a9a',
};

interface Props {
  filters: Filters;
  onOpenOrder: (orderId: string) => void;
}

export function MapView({ filters, onOpenOrder }: Props) {
  const { t, store, settings } = useConsole();
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layers = useRef<{ regions: L.GeoJSON; pickups: L.GeoJSON; drivers: L.LayerGroup } | null>(
    null,
  );
  const markers = useRef(new Map<number, L.CircleMarker>());
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const freshSeconds = settings.position_fresh_seconds;

  // The map itself, once.
  useEffect(() => {
    if (!element.current) return;
    const created = L.map(element.current, {
      preferCanvas: true,
      center: [47.1067, 51.9167],
      zoom: 12,
      keyboard: true,
      attributionControl: settings.tile_url !== '',
    });
    if (settings.tile_url !== '') L.tileLayer(settings.tile_url, { maxZoom: 19 }).addTo(created);
    const regionLayer = L.geoJSON(undefined, {
      style: () => ({ color: '#1f5fbf', weight: 2, fillOpacity: 0.06 }),
    }).addTo(created);
    const pickupLayer = L.geoJSON(undefined, {
      pointToLayer: (_feature, latlng) =>
        L.circleMarker(latlng, {
          radius: 7,
          color: '#7a1010',
          weight: 2,
          fillColor: '#ffffff',
          fillOpacity: 1,
        }),
    }).addTo(created);
    const driverLayer = L.layerGroup().addTo(created);
    map.current = created;
    layers.current = { regions: regionLayer, pickups: pickupLayer, drivers: driverLayer };
    return () => {
      created.remove();
      map.current = null;
      markers.current.clear();
    };
  }, [settings.tile_url]);

  const isShown = (driver: StaffDriverView) =>
    driver.current_position !== null &&
    (filtersRef.current.regionId === '' || driver.region?.id === filtersRef.current.regionId) &&
    (filtersRef.current.driverStatus === '' || driver.status === filtersRef.current.driverStatus);

  const styleOf = (driver: StaffDriverView): L.CircleMarkerOptions => {
    const age = driver.last_location_update
      ? (Date.now() - Date.parse(driver.last_location_update)) / 1000
      : Infinity;
    const stale = age > freshSeconds;
    return {
      radius: 6,
      color: driver.wheelchair_accessible ? '#000000' : '#ffffff',
      weight: driver.wheelchair_accessible ? 3 : 1,
      fillColor: driverColours[driver.status] ?? '#9a9a9a',
      fillOpacity: stale ? 0.35 : 0.95,
      opacity: stale ? 0.5 : 1,
    };
  };

  const placeDriver = (driver: StaffDriverView) => {
    const group = layers.current?.drivers;
    if (!group) return;
    let marker = markers.current.get(driver.id);
    if (!isShown(driver)) {
      if (marker) group.removeLayer(marker);
      markers.current.delete(driver.id);
      return;
    }
    const at: L.LatLngTuple = [driver.current_position!.lat, driver.current_position!.lon];
    if (!marker) {
      marker = L.circleMarker(at, styleOf(driver)).bindTooltip(
        () =>
          `${driver.name} · ${t.driverStatusNames[driver.status] ?? driver.status}` +
          (driver.wheelchair_accessible ? ` · ${t.accessible}` : ''),
      );
      markers.current.set(driver.id, marker);
      group.addLayer(marker);
    } else {
      marker.setLatLng(at);
      marker.setStyle(styleOf(driver));
    }
  };

  // Regions.
  useEffect(() => {
    const redraw = () => {
      const layer = layers.current?.regions;
      if (!layer) return;
      layer.clearLayers();
      const features = store.regions
        .filter((region) => region.polygon_coordinates && region.polygon_coordinates.length > 2)
        .map((region) => ({
          type: 'Feature' as const,
          properties: { id: region.id, title: region.title },
          geometry: {
            type: 'Polygon' as const,
            coordinates: [region.polygon_coordinates!.map(([lat, lon]) => [lon, lat])],
          },
        }));
      layer.addData({ type: 'FeatureCollection', features } as GeoJSON.FeatureCollection);
      layer.eachLayer((l) => {
        const title = (l as L.GeoJSON).feature as GeoJSON.Feature | undefined;
        if (title?.properties) (l as L.Path).bindTooltip(String(title.properties.title));
      });
      const bounds = layer.getBounds();
      if (bounds.isValid()) map.current?.fitBounds(bounds, { padding: [10, 10] });
    };
    redraw();
    return store.on('regions', redraw);
  }, [store]);

  // Pickups of open orders.
  useEffect(() => {
    const redraw = () => {
      const layer = layers.current?.pickups;
      if (!layer) return;
      layer.clearLayers();
      const features = [...store.orders.values()]
        .filter((order) => (openStatuses as readonly string[]).includes(order.status))
        .filter(
          (o) => filtersRef.current.regionId === '' || o.region_id === filtersRef.current.regionId,
        )
        .map((order) => ({
          type: 'Feature' as const,
          properties: { id: order.id, title: order.pickup_title },
          geometry: { type: 'Point' as const, coordinates: [order.pickup_lon, order.pickup_lat] },
        }));
      layer.addData({ type: 'FeatureCollection', features } as GeoJSON.FeatureCollection);
      layer.eachLayer((l) => {
        const feature = (l as L.CircleMarker).feature as GeoJSON.Feature | undefined;
        const id = String(feature?.properties?.id ?? '');
        (l as L.CircleMarker).bindTooltip(String(feature?.properties?.title ?? ''));
        l.on('click', () => onOpenOrder(id));
      });
    };
    redraw();
    return store.on('orders', redraw);
  }, [store, filters.regionId, onOpenOrder]);

  // Drivers: all on a snapshot or a filter change, one at a time on a position.
  useEffect(() => {
    const redrawAll = () => {
      for (const driver of store.drivers.values()) placeDriver(driver);
      for (const id of markers.current.keys()) {
        if (!store.drivers.has(id)) {
          const marker = markers.current.get(id)!;
          layers.current?.drivers.removeLayer(marker);
          markers.current.delete(id);
        }
      }
    };
    redrawAll();
    const offDrivers = store.on('drivers', redrawAll);
    const offPosition = store.onPosition(placeDriver);
    return () => {
      offDrivers();
      offPosition();
    };
  }, [store, filters.regionId, filters.driverStatus]);

  return (
    <section class="map-section" aria-label={t.map}>
      <div ref={element} class={settings.tile_url === '' ? 'map no-tiles' : 'map'} />
      {settings.tile_url === '' && <p class="note small">{t.noTiles}</p>}
      <ul class="legend" aria-label={t.mapLegend}>
        {Object.entries(driverColours).map(([status, colour]) => (
          <li key={status}>
            <span class="dot" style={{ background: colour }} aria-hidden="true" />
            {t.driverStatusNames[status]}
          </li>
        ))}
        <li>
          <span class="dot ring" aria-hidden="true" />
          {t.accessible}
        </li>
        <li>
          <span class="dot pickup" aria-hidden="true" />
          {t.pickup}
        </li>
      </ul>
    </section>
  );
}
