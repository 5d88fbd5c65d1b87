/**
 * The replay report as one self-contained HTML page: a table of every policy's figures and
 * Chart.js charts (wait distribution per policy, Lorenz curves of driver trips, the
 * wheelchair service curve; for a sweep, the efficiency–fairness frontier). Chart.js's UMD
 * build is read from node_modules and inlined, so the page works offline and from a file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PolicyReport } from './report.js';
import type { SettingsSweepReport } from './sweep.js';

const chartJsSource = () =>
  readFileSync(
    path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
    'utf8',
  );

const colours = ['#1b6ac9', '#d9480f', '#2b8a3e', '#862e9c', '#212529', '#0b7285', '#c2255c'];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

type TableColumn = Exclude<keyof PolicyReport, 'charts' | 'policy'>;

const tableColumns: TableColumn[] = [
  'orders',
  'served',
  'served_within_15_min_share',
  'time_to_assign_s_p50',
  'time_to_assign_s_p90',
  'pickup_km_mean',
  'pickup_km_p90',
  'wait_min_p50',
  'wait_min_p90',
  'wav_within_10_min_share',
  'wav_within_15_min_share',
  'driver_trips_gini',
  'driver_trips_min',
  'driver_trips_max',
  'cross_region_share',
  'wav_on_ambulatory_share',
  'deadhead_km',
  'offers_per_order',
];

function policyTable(policies: readonly PolicyReport[]): string {
  const head = `<tr><th>metric</th>${policies.map((p) => `<th>${escapeHtml(p.policy)}</th>`).join('')}</tr>`;
  const rows = tableColumns.map(
    (c) =>
      `<tr><td>${c}</td>${policies.map((p) => `<td>${escapeHtml(String(p[c] ?? '–'))}</td>`).join('')}</tr>`,
  );
  return `<table>${head}${rows.join('')}</table>`;
}

function chartsScript(
  policies: readonly PolicyReport[],
  sweep: SettingsSweepReport | undefined,
): string {
  const data = {
    colours,
    policies: policies.map((p) => ({ name: p.policy, charts: p.charts })),
    sweep: sweep
      ? sweep.runs.flatMap((run) =>
          run.policies.map((p) => ({
            label: `${p.policy} ${Object.entries(run.settings)
              .map(([k, v]) => `${k.replace('DISPATCH_', '')}=${v}`)
              .join(' ')}`,
            policy: p.policy,
            x: p.pickup_km_mean,
            y: p.driver_trips_gini,
            frontier: p.on_frontier,
          })),
        )
      : [],
  };
  return `
const data = ${scriptJson(data)};
Chart.defaults.animation = false;
const line = (id, labels, sets, xTitle, yTitle) => new Chart(document.getElementById(id), {
  type: 'line',
  data: { labels, datasets: sets },
  options: { responsive: false, scales: { x: { title: { display: true, text: xTitle } },
    y: { title: { display: true, text: yTitle }, min: 0 } } },
});
const minutes = Array.from({ length: 31 }, (_, m) => m === 30 ? '30+' : String(m));
if (data.policies.length) {
  line('waits', minutes, data.policies.map((p, i) => ({ label: p.name, data: p.charts.wait_histogram_min,
    borderColor: data.colours[i % 7], pointRadius: 0 })), 'wait (min)', 'share of served requests');
  new Chart(document.getElementById('lorenz'), { type: 'scatter', data: { datasets: [
    ...data.policies.map((p, i) => ({ label: p.name, data: p.charts.lorenz.map(([x, y]) => ({ x, y })),
      borderColor: data.colours[i % 7], showLine: true, pointRadius: 0 })),
    { label: 'equality', data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], borderColor: '#aaa', borderDash: [4, 4], showLine: true, pointRadius: 0 } ] },
    options: { responsive: false, scales: { x: { min: 0, max: 1, title: { display: true, text: 'share of drivers' } },
      y: { min: 0, max: 1, title: { display: true, text: 'share of trips' } } } } });
  line('wav', minutes.map((m) => m.replace('+', '')), data.policies.map((p, i) => ({ label: p.name,
    data: p.charts.wav_service_curve, borderColor: data.colours[i % 7], pointRadius: 0 })),
    'picked up within (min)', 'share of wheelchair requests');
}
if (data.sweep.length) {
  const names = [...new Set(data.sweep.map((s) => s.policy))];
  new Chart(document.getElementById('frontier'), { type: 'scatter', data: { datasets: names.map((n, i) => ({
    label: n, data: data.sweep.filter((s) => s.policy === n).map((s) => ({ x: s.x, y: s.y, label: s.label, frontier: s.frontier })),
    backgroundColor: data.colours[i % 7], pointRadius: (c) => c.raw && c.raw.frontier ? 6 : 3 })) },
    options: { responsive: false, plugins: { tooltip: { callbacks: { label: (c) => c.raw.label + ' (' + c.raw.x + ' km, gini ' + c.raw.y + ')' } } },
      scales: { x: { title: { display: true, text: 'mean pickup km' } }, y: { title: { display: true, text: 'driver-trips Gini' } } } } });
}`;
}

export function renderReportHtml(report: Record<string, unknown>): string {
  const policies = (report.policies ?? []) as PolicyReport[];
  const sweep = report.sweep as SettingsSweepReport | undefined;
  const sweepRows = sweep ? sweep.runs.flatMap((r) => r.policies) : [];
  const canvas = (id: string, title: string) =>
    `<h2>${title}</h2><canvas id="${id}" width="860" height="360"></canvas>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dispatch replay report</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}
pre{background:#f6f6f6;padding:8px;overflow:auto}</style></head><body>
<h1>Dispatch replay report</h1>
<pre>${escapeHtml(JSON.stringify(report.inputs, null, 2))}</pre>
${policies.length ? `<h2>Policies side by side</h2>${policyTable(policies)}` : ''}
${policies.length ? canvas('waits', 'Wait distribution (assignment + drive to the pickup)') : ''}
${policies.length ? canvas('lorenz', 'Lorenz curves of driver trips') : ''}
${policies.length ? canvas('wav', 'Wheelchair service curve') : ''}
${sweep ? `<h2>Sweep</h2>${canvas('frontier', 'Efficiency–fairness frontier (large points: on the frontier)')}${policyTable(sweepRows)}` : ''}
<script>${chartJsSource()}</script>
<script>${chartsScript(policies, sweep)}</script>
</body></html>
`;
}
