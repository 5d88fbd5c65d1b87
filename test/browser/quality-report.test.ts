/// <reference lib="dom" />
/**
 * The console's quality report in real headless Chromium against real processes: a history
 * of two regions over two days (quality-report-history.ts), a dispatcher opening the report,
 * charts drawn with their accessible names, every chart's table equal to what
 * `GET /api/reports/dispatch-quality/` answers for the same range, the region filter, a bad
 * range said in a sentence, the report's code fetched only when opened, keyboard-only reach,
 * axe-core, and not one request leaving this machine. Waits are on the page's state.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import {
  chromiumPath,
  externalRequests,
  launchBrowser,
  runAxe,
  type Browser,
} from '../helpers/browser.js';
import { startConsoleStack, type ConsoleStack } from '../helpers/console-stack.js';
import { apiClient, loginByOtp, type ApiClient } from '../helpers/ride-client.js';
import { buildHistory, regions, timeZone, type History } from './quality-report-history.js';

const dispatcher = { phone: '+77000000001', code: '333333', name: 'Aigul Dispatcher' };
const env: NodeJS.ProcessEnv = {
  OTP_TEST_NUMBERS: `${dispatcher.phone}:${dispatcher.code}`,
  TIME_ZONE: timeZone,
};
const titles = {
  orders: 'Orders booked and served',
  wait: 'Time to assignment, seconds',
  pickup: 'Pickup distance, km',
  fairness: 'Fairness of driver trips (Gini: 0 = even)',
  wheelchair: 'Wheelchair requests assigned within 15 min',
};
const regionTitle: Record<string, string> = {
  [regions.atyrau.id]: regions.atyrau.title,
  [regions.zhylyoi.id]: regions.zhylyoi.title,
};

/** `CONSOLE_SCREENSHOTS=docs/console npx mocha test/browser/quality-report.test.ts` refreshes the docs' picture. */
const screenshotDir = process.env.CONSOLE_SCREENSHOTS;

// The figures as English readers see them, worked out here from the API's numbers.
const count = (v: number | null) => (v === null ? 'no data' : v.toLocaleString('en-US'));
const decimal = (v: number | null) =>
  v === null ? 'no data' : v.toLocaleString('en-US', { maximumFractionDigits: 4 });
const percent = (v: number | null) =>
  v === null
    ? 'no data'
    : v.toLocaleString('en-US', { style: 'percent', maximumFractionDigits: 1 });
/** Per chart, the table's figure columns as the API's row gives them. */
const expectedCells: Record<keyof typeof titles, (row: any) => Record<string, string>> = {
  orders: (r) => ({
    orders: count(r.orders),
    served: count(r.assigned_orders),
    unserved: count(r.orders - r.assigned_orders),
  }),
  wait: (r) => ({
    p50: decimal(r.time_to_assignment_s_p50),
    p90: decimal(r.time_to_assignment_s_p90),
  }),
  pickup: (r) => ({ pickup_km: decimal(r.pickup_km_mean) }),
  fairness: (r) => ({
    gini: decimal(r.driver_trips_gini),
    active: count(r.active_drivers),
    trips_min: count(r.driver_trips_min),
    trips_max: count(r.driver_trips_max),
  }),
  wheelchair: (r) => ({
    wheelchair_share: percent(r.wheelchair_assigned_within_15_min_share),
    wheelchair_requests: count(r.wheelchair_requests),
  }),
};

async function signIn(page: Page, baseUrl: string) {
  await page.goto(`${baseUrl}/console/?lang=en`);
  await page.getByLabel('Phone', { exact: true }).fill(dispatcher.phone);
  await page.getByRole('button', { name: 'Send code', exact: true }).click();
  await page.getByText(/A code was sent/).waitFor();
  await page.getByLabel('Code', { exact: true }).fill(dispatcher.code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('body[data-ready="true"]').waitFor();
}

/**
 * A page signed in with the session the API gave (the sign-in form itself is driven once, in
 * the first test: repeating it per test would meet the OTP rate limit).
 */
async function signedInPage(browser: Browser, baseUrl: string, session: Session) {
  const page = await browser.newPage();
  await page.addInitScript((s) => {
    sessionStorage.setItem('invo.console.token', s.token);
    sessionStorage.setItem('invo.console.user', String(s.userId));
  }, session);
  await page.goto(`${baseUrl}/console/?lang=en`);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

interface Session {
  token: string;
  userId: number;
}

/** The report's status line once an answer for exactly this range is on the page. */
const shownRange = (page: Page) =>
  page.locator('.report-status').filter({ hasText: 'local days in Asia/Atyrau' });

/** A chart's table, opened, as {region|day: {figure: text}} with the region as shown. */
async function tableOf(figure: Locator): Promise<Record<string, Record<string, string>>> {
  const toggle = figure.getByRole('button', { name: 'Show as table' });
  if (await toggle.isVisible()) await toggle.click();
  const table = figure.getByRole('table');
  await table.waitFor();
  return table.evaluate((el) => {
    const out: Record<string, Record<string, string>> = {};
    for (const tr of Array.from(el.querySelectorAll('tbody tr'))) {
      const day = tr.querySelector('time')?.getAttribute('datetime') ?? '';
      const region = tr.querySelector('td')?.textContent ?? '';
      const cells: Record<string, string> = {};
      for (const td of Array.from(tr.querySelectorAll('td[data-figure]'))) {
        cells[(td as HTMLElement).dataset.figure ?? ''] = td.textContent ?? '';
      }
      out[`${region}|${day}`] = cells;
    }
    return out;
  });
}

/** Pixels of the canvas in exactly this colour (a series' fill or marker). */
const pixelsOf = (canvas: Locator, hex: string) =>
  canvas.evaluate((el, colour) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) n++;
    }
    return n;
  }, hex);

describe('quality report in the dispatcher console (real browser)', function () {
  this.timeout(120_000);
  let history: History;
  let stack: ConsoleStack;
  let browser: Browser;
  let api: ApiClient;
  let token: string;
  let session: Session;

  const apiReport = async (query: string) => {
    const res = await api.call('GET', `/api/reports/dispatch-quality/${query}`, undefined, token);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body as { from: string; to: string; results: any[] };
  };

  /** Every chart's table equals the API's rows for the range, region by region, day by day. */
  async function expectTablesEqual(page: Page, report: { results: any[] }) {
    for (const [chart, title] of Object.entries(titles) as [keyof typeof titles, string][]) {
      const figure = page.getByRole('figure', { name: title, exact: true });
      const shown = await tableOf(figure);
      const expected = Object.fromEntries(
        report.results.map((r) => [
          `${regionTitle[r.region_id]}|${r.day}`,
          expectedCells[chart](r),
        ]),
      );
      expect(shown, `table of “${title}”`).to.deep.equal(expected);
    }
  }

  before(async function () {
    if (!existsSync(chromiumPath))
      throw new Error(`${chromiumPath} is missing: apt-get install -y chromium`);
    history = await buildHistory(dispatcher);
    [stack, browser] = await Promise.all([startConsoleStack(env), launchBrowser()]);
    api = apiClient(stack.baseUrl);
    const login = await loginByOtp(api, dispatcher.phone, dispatcher.code);
    token = login.access;
    session = { token, userId: (login as unknown as { user: { id: number } }).user.id };
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(stack.warnings());
  });

  it('when a dispatcher opens the report, then the last 7 days are drawn per region and every table equals the API', async () => {
    const page = await browser.newPage();
    await signIn(page, stack.baseUrl);
    const chunk = (url: string) => /\/console\/assets\/quality-report-view-[^/]+\.js$/.test(url);
    // Lazy: signing in did not fetch the report's code (nor Chart.js with it).
    expect(browser.requests.filter(chunk)).to.deep.equal([]);
    await page.getByRole('button', { name: 'Quality report', exact: true }).click();
    await shownRange(page).waitFor();
    expect(browser.requests.filter(chunk)).to.have.length(1);

    // The default range: the week ending today in the service time zone, as the API says.
    const week = await apiReport('');
    expect(week.to).to.equal(history.today);
    expect(await page.getByLabel('From', { exact: true }).inputValue()).to.equal(week.from);
    expect(await page.getByLabel('To', { exact: true }).inputValue()).to.equal(week.to);
    expect(week.results).to.have.length(7 * 2);

    for (const title of Object.values(titles)) {
      const canvas = page.getByRole('img', { name: title, exact: true });
      await canvas.waitFor();
      expect(await canvas.evaluate((el) => el.tagName)).to.equal('CANVAS');
    }
    // Both regions' bars are painted (Atyrau solid blue; Zhylyoi green with white stripes).
    const orders = page.getByRole('img', { name: titles.orders, exact: true });
    expect(await pixelsOf(orders, '#0b4f9c')).to.be.above(50);
    expect(await pixelsOf(orders, '#1b6e3a')).to.be.above(20);

    await expectTablesEqual(page, week);
    // The history, read back through the page: guards against both sides being empty.
    const table = await tableOf(page.getByRole('figure', { name: titles.orders, exact: true }));
    const [day1, day2] = history.days;
    expect(table[`Atyrau centre|${day1}`]).to.deep.equal({
      orders: '2',
      served: '2',
      unserved: '0',
    });
    expect(table[`Atyrau centre|${day2}`]).to.deep.equal({
      orders: '2',
      served: '1',
      unserved: '1',
    });
    expect(table[`Zhylyoi|${day1}`]).to.deep.equal({ orders: '1', served: '1', unserved: '0' });
    const waits = await tableOf(page.getByRole('figure', { name: titles.wait, exact: true }));
    expect(waits[`Zhylyoi|${day2}`]).to.deep.equal({ p50: 'no data', p90: 'no data' });
    const wheelchair = await tableOf(
      page.getByRole('figure', { name: titles.wheelchair, exact: true }),
    );
    expect(wheelchair[`Atyrau centre|${day2}`]).to.deep.equal({
      wheelchair_share: '100%',
      wheelchair_requests: '1',
    });
    if (screenshotDir) {
      const hide = page.getByRole('button', { name: 'Hide the table' });
      while ((await hide.count()) > 0) await hide.first().click();
      await page.screenshot({ path: `${screenshotDir}/quality-report.png`, fullPage: true });
    }
    await page.close();
  });

  it('when the dispatcher picks a region and a range, then only that region is drawn and its tables equal the API', async () => {
    const page = await signedInPage(browser, stack.baseUrl, session);
    await page.getByRole('button', { name: 'Quality report', exact: true }).click();
    await shownRange(page).waitFor();
    const [day1, day2] = history.days;
    await page.getByLabel('From', { exact: true }).fill(day1);
    await page.getByLabel('To', { exact: true }).fill(day2);
    await page.getByLabel('Region', { exact: true }).selectOption(regions.zhylyoi.id);
    await page.getByRole('button', { name: 'Show the report', exact: true }).click();
    const figure = page.getByRole('figure', { name: titles.orders, exact: true });
    // The new answer is drawn: the (closed) table holds two rows, both Zhylyoi's.
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('#report-orders-table tbody tr'));
      return rows.length === 2 && rows.every((tr) => tr.getAttribute('data-region') === 'zhylyoi');
    });
    await expectTablesEqual(page, await apiReport(`?from=${day1}&to=${day2}&region_id=zhylyoi`));
    expect(Object.keys(await tableOf(figure))).to.deep.equal([
      `Zhylyoi|${day1}`,
      `Zhylyoi|${day2}`,
    ]);
    await page.close();
  });

  it('when the range is reversed or too long, then the API’s 400 is said in a sentence', async () => {
    const page = await signedInPage(browser, stack.baseUrl, session);
    await page.getByRole('button', { name: 'Quality report', exact: true }).click();
    await shownRange(page).waitFor();
    await page.getByLabel('From', { exact: true }).fill(history.days[1]);
    await page.getByLabel('To', { exact: true }).fill(history.days[0]);
    const refused = page.waitForResponse(
      (r) => r.url().includes('/api/reports/dispatch-quality/') && r.status() === 400,
    );
    await page.getByRole('button', { name: 'Show the report', exact: true }).click();
    await refused;
    await page
      .getByRole('alert')
      .filter({ hasText: 'The report was not shown: “To” is before “From”.' })
      .waitFor();
    // 93 days: over the API's limit of 92.
    await page.getByLabel('From', { exact: true }).fill('2026-01-01');
    await page.getByLabel('To', { exact: true }).fill('2026-04-03');
    await page.getByRole('button', { name: 'Show the report', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The report was not shown: at most 92 days at a time.' })
      .waitFor();
    await page.close();
  });

  it('when the report is reached with the keyboard only, then its fields and tables are reachable with visible focus, and axe-core finds no WCAG 2.2 A/AA violation', async () => {
    const page = await signedInPage(browser, stack.baseUrl, session);
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return {
          text: el?.textContent ?? '',
          label: (el as HTMLInputElement | null)?.labels?.[0]?.textContent ?? '',
          outline: el ? getComputedStyle(el).outlineStyle : 'none',
        };
      });
    const tabUntil = async (done: (f: Awaited<ReturnType<typeof focused>>) => boolean) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        if (done(f)) return f;
      }
      throw new Error('not reached with Tab');
    };
    const nav = await tabUntil((f) => f.text === 'Quality report');
    expect(nav.outline).to.not.equal('none');
    await page.keyboard.press('Enter');
    await shownRange(page).waitFor();
    const from = await tabUntil((f) => f.label === 'From');
    expect(from.outline).to.not.equal('none');
    const toggle = await tabUntil((f) => f.text === 'Show as table');
    expect(toggle.outline).to.not.equal('none');
    await page.keyboard.press('Enter');
    await page.getByRole('table').first().waitFor();

    const result = await runAxe(page);
    expect(result.passes).to.be.above(10);
    const report = result.violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
    expect(report, report.join('\n')).to.deep.equal([]);
    await page.close();
  });

  it('when the report speaks Russian, then its titles, dates and numbers are Russian', async () => {
    const page = await signedInPage(browser, stack.baseUrl, session);
    await page.getByLabel('Language').selectOption('ru');
    await page.getByRole('button', { name: 'Отчёт о качестве', exact: true }).click();
    await page.getByRole('img', { name: 'Заказы: принято и обслужено', exact: true }).waitFor();
    const day = history.days[0];
    const longDay = new Intl.DateTimeFormat('ru-RU', {
      weekday: 'short',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(new Date(`${day}T00:00:00Z`));
    const figure = page.getByRole('figure', { name: 'Заказы: принято и обслужено', exact: true });
    await figure.getByRole('button', { name: 'Показать таблицей' }).click();
    expect(await figure.locator(`time[datetime="${day}"]`).first().textContent()).to.equal(longDay);
    // Decimal comma: Atyrau's mean pickup distance that day is (1 + 2) / 2 km.
    const pickup = page.getByRole('figure', {
      name: 'Расстояние до посадки, км',
      exact: true,
    });
    await pickup.getByRole('button', { name: 'Показать таблицей' }).click();
    const atyrauDay1 = pickup.locator(`tr[data-region="${regions.atyrau.id}"][data-day="${day}"]`);
    expect(await atyrauDay1.locator('td[data-figure="pickup_km"]').textContent()).to.equal('1,5');
    await page.close();
  });

  it('when the whole session is over, then no page requested anything outside this machine', () => {
    expect(browser.requests.length).to.be.above(10);
    expect(externalRequests(browser)).to.deep.equal([]);
  });
});
