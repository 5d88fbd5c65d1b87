/** PostgreSQL LISTEN on a dedicated connection, reconnecting when it drops. */
import pg from 'pg';

export interface NotificationListener {
  close(): Promise<void>;
}

export async function listenForNotifications(
  databaseUrl: string,
  channel: string,
  onNotify: (payload: string | undefined) => void,
  onError: (e: unknown) => void,
): Promise<NotificationListener> {
  if (!/^[a-z_]+$/.test(channel)) throw new Error(`bad channel ${channel}`);
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: databaseUrl });
    next.on('notification', (message) => onNotify(message.payload));
    next.on('error', (e) => {
      onError(e);
      scheduleReconnect();
    });
    await next.connect();
    await next.query(`LISTEN ${channel}`);
    client = next;
    // Anything written while we were not listening is caught by the first notify we fake.
    onNotify(undefined);
  };

  const scheduleReconnect = () => {
    if (closed || retry) return;
    const old = client;
    client = null;
    void old?.end().catch(() => undefined);
    retry = setTimeout(() => {
      retry = null;
      connect().catch((e: unknown) => {
        onError(e);
        scheduleReconnect();
      });
    }, 1000);
    retry.unref();
  };

  await connect();
  return {
    close: async () => {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
