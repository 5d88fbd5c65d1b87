/**
 * The console's shell: sign-in until a staff session exists, then the header (who, language,
 * sign out), the sections, and the signed-in data loaded once and kept live by realtime.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { call, currentToken, get, getAll, setApiLang, setToken, whenUnauthorized } from './api.js';
import { Console, type ConsoleContext } from './context.js';
import { fill, initialLang, langs, messagesFor, rememberLang, type Lang } from './i18n.js';
import { openStatuses } from './queue-rules.js';
import { connectRealtime } from './realtime.js';
import { ConsoleStore } from './store.js';
import type {
  ConsoleSettings,
  OrderView,
  RegionView,
  SignedIn,
  StaffDriverView,
  StaffUserView,
} from './types.js';
import { BackOffice, type BackOfficeTab } from './views/back-office.js';
import { SignIn } from './views/sign-in.js';
import { Shift } from './views/shift.js';

type Tab = 'shift' | BackOfficeTab;
const tabs: Tab[] = [
  'shift',
  'drivers',
  'passengers',
  'regions',
  'staff',
  'audit',
  'import',
  'reports',
];

async function loadMe(session: { userId: number }): Promise<StaffUserView> {
  return get<StaffUserView>(`/api/users/${session.userId}/`);
}

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const t = messagesFor(lang);
  setApiLang(lang);
  const [me, setMe] = useState<StaffUserView | null>(null);
  const [settings, setSettings] = useState<ConsoleSettings | null>(null);
  const [tab, setTab] = useState<Tab>('shift');
  const store = useMemo(() => new ConsoleStore(), []);
  const [userId, setUserId] = useState<number | null>(() => {
    const stored = sessionStorage.getItem('invo.console.user');
    return currentToken() && stored ? Number(stored) : null;
  });

  const signOut = () => {
    void call('POST', '/api/auth/logout/', {}).catch(() => undefined);
    setToken(null);
    sessionStorage.removeItem('invo.console.user');
    setUserId(null);
    setMe(null);
  };
  whenUnauthorized(() => {
    setToken(null);
    setUserId(null);
    setMe(null);
  });

  useEffect(() => {
    if (userId === null) return;
    let closed = false;
    const token = currentToken() ?? '';
    const resyncOrders = async () => {
      const mark = store.beginOrdersSnapshot();
      try {
        const orders = await getAll<OrderView>(`/api/orders/?status=${openStatuses.join(',')}`);
        if (!closed) store.replaceOrders(orders, mark);
      } finally {
        store.endOrdersSnapshot();
      }
    };
    const loadDrivers = async () => {
      const drivers = await getAll<StaffDriverView>('/api/drivers/');
      if (!closed) store.replaceDrivers(drivers);
    };
    let socket: ReturnType<typeof connectRealtime> | null = null;
    // Everything at once: the first screen waits for the slowest request, not for their sum.
    void (async () => {
      const snapshots = Promise.all([resyncOrders(), loadDrivers()]);
      const [who, config, regions] = await Promise.all([
        loadMe({ userId }),
        get<ConsoleSettings>('/console/config.json'),
        getAll<RegionView>('/api/regions/'),
      ]);
      if (closed) return;
      store.regions = regions;
      store.emit('regions');
      setSettings(config);
      setMe(who);
      socket = connectRealtime(config.realtime_url, token, store, resyncOrders);
      await snapshots;
      document.body.dataset.ready = 'true';
    })().catch(() => signOut());
    // Driver statuses (online, offered, on a trip) are not pushed to staff: re-read them.
    const refresh = setInterval(() => void loadDrivers().catch(() => undefined), 20_000);
    return () => {
      closed = true;
      clearInterval(refresh);
      socket?.close();
      delete document.body.dataset.ready;
    };
  }, [userId, store]);

  const onSignedIn = (session: SignedIn) => {
    setToken(session.access);
    sessionStorage.setItem('invo.console.user', String(session.user.id));
    setUserId(session.user.id);
  };

  const chooseLang = (next: Lang) => {
    rememberLang(next);
    setLang(next);
  };

  const langPicker = (
    <label class="lang">
      {t.language}{' '}
      <select value={lang} onChange={(e) => chooseLang(e.currentTarget.value as Lang)}>
        {langs.map((l) => (
          <option value={l} key={l}>
            {l === 'ru' ? 'Русский' : l === 'kk' ? 'Қазақша' : 'English'}
          </option>
        ))}
      </select>
    </label>
  );

  if (userId === null) {
    return (
      <>
        <header class="top">
          <span class="brand">{t.appTitle}</span>
          {langPicker}
        </header>
        <SignIn t={t} onSignedIn={onSignedIn} />
      </>
    );
  }
  if (!me || !settings) return <p role="status">{t.loading}</p>;

  const context: ConsoleContext = { t, store, me, settings, isAdmin: me.role === 'admin' };
  const tabName = (name: Tab) =>
    ({
      shift: t.tabShift,
      drivers: t.tabDrivers,
      passengers: t.tabPassengers,
      regions: t.tabRegions,
      staff: t.tabStaff,
      audit: t.tabAudit,
      import: t.tabImport,
      reports: t.tabReports,
    })[name];

  return (
    <Console.Provider value={context}>
      <a class="skip" href="#main">
        {t.skipToQueue}
      </a>
      <header class="top">
        <span class="brand">{t.appTitle}</span>
        <nav aria-label={t.mainNav}>
          <ul>
            {tabs.map((name) => (
              <li key={name}>
                <button
                  type="button"
                  aria-current={tab === name ? 'page' : undefined}
                  onClick={() => setTab(name)}
                >
                  {tabName(name)}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">{fill(t.signedInAs, { name: me.full_name ?? me.phone })}</span>
        {langPicker}
        <button type="button" onClick={signOut}>
          {t.signOut}
        </button>
      </header>
      {tab === 'shift' ? <Shift /> : <BackOffice tab={tab} />}
    </Console.Provider>
  );
}
