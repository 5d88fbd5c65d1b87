/**
 * The driver's own status (drivers.status, checked by drivers_status_valid). Pure. How an
 * order's status moves it is driverStatusFor in lib/orders/order-status.ts.
 */
export const driverStatuses = [
  'offline',
  'online_idle',
  'offered',
  'enroute_to_pickup',
  'on_trip',
  'paused',
] as const;

export type DriverStatus = (typeof driverStatuses)[number];

/** Statuses that mean the driver is busy with an order or an offer. */
export const busyDriverStatuses: readonly DriverStatus[] = [
  'offered',
  'enroute_to_pickup',
  'on_trip',
];
