/// <reference lib="dom" />
/**
 * The dispatcher console in real headless Chromium against real processes (web, realtime,
 * worker): sign-in by phone and code, an order booked through the API reaching the live
 * queue, a manual assignment from the candidates, a spreadsheet import (dry run with a bad
 * row, then the real one), keyboard-only sign-in, languages, axe-core, and not one request
 * leaving this machine. Every wait is on the page's own state, never a fixed sleep.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { AppDeps } from '../../lib/deps.js';
import {
  launchBrowser,
  externalRequests,
  runAxe,
  chromiumPath,
  type Browser,
} from '../helpers/browser.js';
import { startConsoleStack, type ConsoleStack } from '../helpers/console-stack.js';
import { pickup, placeDriver } from '../helpers/dispatch-fixtures.js';
import { createNamedStaff, createPassenger, createRegion, tokenFor } from '../helpers/factories.js';
import { apiClient, type ApiClient } from '../helpers/ride-client.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';

const dispatcher = { phone: '+77000000001', code: '333333', name: 'Aigul Dispatcher' };
const admin = { phone: '+77000000000', code: '444444', name: 'Yerzhan Admin' };
const passengerPhone = '+77777777777';

const env: NodeJS.ProcessEnv = {
  OTP_TEST_NUMBERS: [dispatcher, admin].map((s) => `${s.phone}:${s.code}`).join(','),
  // Every order waits for a dispatcher's decision: the queue and the approve/assign path.
  DISPATCH_REVIEW: 'manual',
};

/** `CONSOLE_SCREENSHOTS=docs/console npx mocha test/browser/console.test.ts` refreshes the docs' pictures. */
const screenshotDir = process.env.CONSOLE_SCREENSHOTS;
async function shot(page: Page, name: string) {
  if (screenshotDir) await page.screenshot({ path: `${screenshotDir}/${name}.png` });
}

async function signIn(page: Page, baseUrl: string, who: { phone: string; code: string }) {
  await page.goto(`${baseUrl}/console/?lang=en`);
  await page.getByLabel('Phone', { exact: true }).fill(who.phone);
  await page.getByRole('button', { name: 'Send code', exact: true }).click();
  await page.getByText(/A code was sent/).waitFor();
  await page.getByLabel('Code', { exact: true }).fill(who.code);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('body[data-ready="true"]').waitFor();
}

describe('dispatcher console in a real browser', function () {
  this.timeout(90_000);
  let deps: AppDeps;
  let stack: ConsoleStack;
  let browser: Browser;
  let api: ApiClient;
  let passengerToken: string;
  let regionId: string;
  const driverIds: number[] = [];

  before(async function () {
    if (!existsSync(chromiumPath))
      throw new Error(`${chromiumPath} is missing: apt-get install -y chromium`);
    deps = createTestDeps({ DATABASE_POOL_MAX: '3' });
    await resetState(deps);
    const region = await createRegion(deps, {
      id: 'atyrau_center',
      title: 'Atyrau centre',
      polygon_coordinates: [
        [47.08, 51.88],
        [47.08, 51.96],
        [47.14, 51.96],
        [47.14, 51.88],
      ],
    });
    regionId = region.id;
    for (const staff of [
      { ...dispatcher, role: 'dispatcher' as const },
      { ...admin, role: 'admin' as const },
    ]) {
      await createNamedStaff(deps, { phone: staff.phone, role: staff.role, full_name: staff.name });
    }
    const { user } = await createPassenger(deps, regionId, {
      phone: passengerPhone,
      full_name: 'Gulnara S.',
    });
    passengerToken = await tokenFor(deps, user);
    for (const [i, km] of [0.8, 2.5].entries()) {
      const { driver } = await placeDriver(deps, regionId, km, { name: `Driver ${i + 1}` });
      driverIds.push(driver.id);
    }
    [stack, browser] = await Promise.all([startConsoleStack(env), launchBrowser()]);
    api = apiClient(stack.baseUrl);
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    if (deps) await closeDeps(deps);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(stack.warnings());
  });

  const bookOrder = async (pickupTitle: string) => {
    const reply = await api.call(
      'POST',
      '/api/orders/',
      {
        pickup_title: pickupTitle,
        dropoff_title: 'Railway station',
        pickup_lat: pickup.lat,
        pickup_lon: pickup.lon,
        dropoff_lat: 47.1218,
        dropoff_lon: 51.8736,
      },
      passengerToken,
    );
    expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
    return reply.body.id as string;
  };

  it('when a dispatcher signs in, then the queue and their name show, and a booked order appears in the queue within seconds', async () => {
    const page = await browser.newPage();
    await signIn(page, stack.baseUrl, dispatcher);
    await page.getByText(`Signed in: ${dispatcher.name}`).waitFor();
    const queue = page.getByRole('region', { name: 'Queue', exact: true });
    await queue.waitFor();

    const bookedAt = Date.now();
    await bookOrder('Central market, gate 2');
    await queue
      .getByRole('listitem')
      .filter({ hasText: 'Central market, gate 2' })
      .waitFor({ timeout: 5_000 });
    const seconds = (Date.now() - bookedAt) / 1000;
    console.log(`      booked → in the queue: ${seconds.toFixed(2)} s`);
    expect(seconds).to.be.below(5);
    await page.waitForFunction(() => /^\(\d+\) Queue/.test(document.title));
    await shot(page, 'shift');
    await page.close();
  });

  it('when the dispatcher assigns a candidate from the order panel, then the order is assigned to that driver', async () => {
    const orderId = await bookOrder('Clinic No. 3, main entrance');
    const page = await browser.newPage();
    await signIn(page, stack.baseUrl, dispatcher);
    const queue = page.getByRole('region', { name: 'Queue', exact: true });
    await queue.getByRole('button').filter({ hasText: 'Clinic No. 3, main entrance' }).click();

    const candidates = page.getByRole('region', { name: 'Candidates', exact: true });
    const assignButtons = candidates.getByRole('button', { name: 'Assign', exact: true });
    await assignButtons.first().waitFor();
    expect(await assignButtons.count()).to.equal(driverIds.length);
    await candidates.getByText('same region as the pickup').first().waitFor();
    await shot(page, 'order-panel');
    await assignButtons.first().click();
    await page.getByRole('status').filter({ hasText: 'Assigned to Driver 1.' }).waitFor();

    const order = await api.call('GET', `/api/orders/${orderId}/`, undefined, passengerToken);
    expect(order.body.status).to.equal('assigned');
    expect(order.body.driver.id).to.equal(driverIds[0]);
    // Assigned orders need nobody any more: the item leaves the queue by itself.
    await queue
      .getByRole('listitem')
      .filter({ hasText: 'Clinic No. 3' })
      .waitFor({ state: 'detached' });
    await page.close();
  });

  it('when an admin checks a spreadsheet with a bad row, then the preview names the row and nothing is written; the clean file imports', async () => {
    const page = await browser.newPage();
    await signIn(page, stack.baseUrl, admin);
    await page.getByText(`Signed in: ${admin.name}`).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('radio', { name: 'Drivers' }).check();

    const header = 'phone,name,region_id,car_model,plate_number,capacity,wheelchair_accessible';
    const good = `+77051110001,Asqar N.,${regionId},Hyundai Starex,901ABC06,4,yes`;
    const bad = `+77051110002,Dana K.,${regionId},Lada Largus,902ABC06,lots,no`;
    const file = (rows: string[]) => ({
      name: 'drivers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(rows.join('\n')),
    });
    const fileInput = page.getByLabel('Spreadsheet file (.xlsx or .csv)');

    await fileInput.setInputFiles(file([header, good, bad]));
    await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: '1 of 2 rows have errors. Nothing was written.' })
      .waitFor();
    await shot(page, 'import-dry-run');
    const errorRow = page.getByRole('row').filter({ hasText: 'capacity' });
    expect(await errorRow.getByRole('cell').first().textContent()).to.equal('3');
    expect(await page.getByRole('button', { name: 'Import all rows' }).isDisabled()).to.equal(true);
    expect(await deps.db.knex('drivers').where({ plate_number: '901ABC06' }).first()).to.equal(
      undefined,
    );

    await fileInput.setInputFiles(file([header, good, bad.replace(',lots,', ',3,')]));
    await page.getByRole('button', { name: 'Check the file (dry run)' }).click();
    await page.getByRole('status').filter({ hasText: 'All 2 rows are valid.' }).waitFor();
    await page.getByRole('button', { name: 'Import all rows' }).click();
    await page.getByRole('status').filter({ hasText: '2 rows imported.' }).waitFor();
    const imported = await deps.db
      .knex('drivers')
      .whereIn('plate_number', ['901ABC06', '902ABC06'])
      .pluck('name');
    expect(imported.sort()).to.deep.equal(['Asqar N.', 'Dana K.']);
    await page.close();
  });

  it('when someone signs in with the keyboard only, then every step is reachable and its focus is visible', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.baseUrl}/console/?lang=en`);
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const style = el ? getComputedStyle(el) : null;
        return {
          id: el?.id ?? '',
          text: el?.textContent ?? '',
          outline: style?.outlineStyle ?? 'none',
        };
      });
    // Language picker, then Phone.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const phone = await focused();
    expect(phone.id).to.equal('phone');
    expect(phone.outline).to.not.equal('none');
    await page.keyboard.type(dispatcher.phone);
    await page.keyboard.press('Enter');
    // The page moves the focus to Code once the code is sent.
    await page.waitForFunction(() => document.activeElement?.id === 'code');
    await page.keyboard.type(dispatcher.code);
    await page.keyboard.press('Enter');
    await page.locator('body[data-ready="true"]').waitFor();
    // The first Tab reaches the skip link, which jumps to the shift's main area.
    await page.keyboard.press('Tab');
    expect((await focused()).text).to.equal('Skip to the queue');
    expect((await focused()).outline).to.not.equal('none');
    await page.close();
  });

  it('when the language is chosen by ?lang=, then the page speaks it and remembers it', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.baseUrl}/console/?lang=kk`);
    await page.getByRole('button', { name: 'Код жіберу', exact: true }).waitFor();
    await shot(page, 'sign-in-kk');
    await page.goto(`${stack.baseUrl}/console/`);
    await page.getByRole('button', { name: 'Код жіберу', exact: true }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('kk');
    await page.goto(`${stack.baseUrl}/console/?lang=ru`);
    await page.getByLabel('Телефон', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Отправить код', exact: true }).waitFor();
    await page.close();
  });

  it('when axe-core checks the sign-in page and the shift with an order open, then it finds no WCAG 2.2 A/AA violation', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.baseUrl}/console/?lang=en`);
    await page.getByRole('button', { name: 'Send code' }).waitFor();
    const onSignIn = await runAxe(page);
    await signIn(page, stack.baseUrl, dispatcher);
    await bookOrder('Regional hospital, ward 5');
    const queue = page.getByRole('region', { name: 'Queue', exact: true });
    await queue.getByRole('button').filter({ hasText: 'Regional hospital, ward 5' }).click();
    await page
      .getByRole('region', { name: 'Candidates', exact: true })
      .getByRole('button', { name: 'Assign', exact: true })
      .first()
      .waitFor();
    const onShift = await runAxe(page);
    // axe really ran: it passed rules on both pages.
    expect(onSignIn.passes).to.be.above(10);
    expect(onShift.passes).to.be.above(10);
    const report = [...onSignIn.violations, ...onShift.violations].map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
    expect(report, report.join('\n')).to.deep.equal([]);
    await page.close();
  });

  it('when the whole session is over, then no page requested anything outside this machine', () => {
    expect(browser.requests.length).to.be.above(10);
    expect(externalRequests(browser)).to.deep.equal([]);
  });
});
