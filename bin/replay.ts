/**
 * `npm run replay -- [options]`: replays a trip file through the engine's decisions for each
 * policy and writes DIR/report.json and DIR/report.html. Options: docs/dispatch-quality.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isPolicyName, type PolicyName } from '../lib/simulation/policies.js';
import { renderReportHtml } from '../lib/simulation/report-html.js';
import {
  describeInputs,
  dispatchConfig,
  prepareInputs,
  replayDefaults,
  runPolicies,
  type ReplayOptions,
} from '../lib/simulation/replay.js';
import { frontierTable, parseSweep, runSweep } from '../lib/simulation/sweep.js';
import { nycTripFile } from '../lib/simulation/trips.js';

const { values } = parseArgs({
  options: {
    trips: { type: 'string', default: nycTripFile },
    format: { type: 'string', default: replayDefaults.format },
    fleet: { type: 'string', default: String(replayDefaults.fleet) },
    'fleet-file': { type: 'string' },
    'wav-share': { type: 'string', default: String(replayDefaults.wavShare) },
    'wav-fleet': { type: 'string', default: String(replayDefaults.wavFleet) },
    regions: { type: 'string' },
    accept: { type: 'string', default: String(replayDefaults.behaviour.acceptProbability) },
    decline: { type: 'string', default: String(replayDefaults.behaviour.declineProbability) },
    'response-s': { type: 'string', default: String(replayDefaults.behaviour.responseSeconds) },
    'speed-kmh': { type: 'string', default: String(replayDefaults.speedKmh) },
    detour: { type: 'string', default: String(replayDefaults.detour) },
    'prebooked-share': { type: 'string', default: String(replayDefaults.prebookedShare) },
    'prebook-minutes': { type: 'string', default: String(replayDefaults.prebookMinutes) },
    from: { type: 'string' },
    to: { type: 'string' },
    seed: { type: 'string', default: String(replayDefaults.seed) },
    policies: { type: 'string', default: replayDefaults.policies.join(',') },
    set: { type: 'string', multiple: true, default: [] },
    sweep: { type: 'string', multiple: true, default: [] },
    out: { type: 'string', default: 'out/replay' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write('Usage: npm run replay -- [options]; see docs/dispatch-quality.md\n');
  process.exit(0);
}

function number(name: string, text: string, min = 0, max = Number.POSITIVE_INFINITY): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new Error(`--${name} must be a number in [${min}, ${max}], got "${text}"`);
  }
  return n;
}

const policies = values.policies.split(',').map((p) => p.trim());
const unknown = policies.filter((p) => !isPolicyName(p));
if (unknown.length > 0) throw new Error(`Unknown policies: ${unknown.join(', ')}`);
if (values.format !== 'debs' && values.format !== 'generic') {
  throw new Error('--format must be debs or generic');
}
const overrides = Object.fromEntries(
  values.set.map((kv) => {
    const [key, value] = kv.split('=');
    if (!key?.startsWith('DISPATCH_') || value === undefined) {
      throw new Error(`--set wants DISPATCH_KEY=value, got "${kv}"`);
    }
    return [key, value];
  }),
);

const options: ReplayOptions = {
  trips: values.trips,
  format: values.format,
  fleet: number('fleet', values.fleet, 1),
  fleetFile: values['fleet-file'],
  wavShare: number('wav-share', values['wav-share'], 0, 1),
  wavFleet: number('wav-fleet', values['wav-fleet'], 0, 1),
  regions: values.regions,
  behaviour: {
    acceptProbability: number('accept', values.accept, 0, 1),
    declineProbability: number('decline', values.decline, 0, 1),
    responseSeconds: number('response-s', values['response-s'], 0),
  },
  speedKmh: number('speed-kmh', values['speed-kmh'], 1),
  detour: number('detour', values.detour, 1),
  prebookedShare: number('prebooked-share', values['prebooked-share'], 0, 1),
  prebookMinutes: number('prebook-minutes', values['prebook-minutes'], 0),
  from: values.from,
  to: values.to,
  seed: number('seed', values.seed),
  policies: policies as PolicyName[],
  env: overrides,
};
if (options.behaviour.acceptProbability + options.behaviour.declineProbability > 1) {
  throw new Error('--accept plus --decline must be at most 1 (the rest do not answer)');
}

const started = process.hrtime.bigint();
const progress = (label: string) => (policy: string, done: number, total: number) => {
  if (!process.stderr.isTTY) {
    if (done === total) process.stderr.write(`${label}${policy}: ${total} orders done\n`);
    return;
  }
  if (done % 97 !== 0 && done !== total) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  process.stderr.write(`\r${label}${policy.padEnd(14)} [${bar}] ${done}/${total}`);
  if (done === total) process.stderr.write('\n');
};

const inputs = prepareInputs(options);
const dispatch = dispatchConfig(overrides);
const report: Record<string, unknown> = {
  schema: 'invo-dispatch/replay-report/1',
  inputs: describeInputs(inputs, options, dispatch),
};
const sweep = parseSweep(values.sweep);
let events: number;
if (sweep.length === 0) {
  const reports = runPolicies(inputs, options, dispatch, progress(''));
  events = reports.reduce((sum, p) => sum + p.events, 0);
  report.policies = reports;
} else {
  const result = runSweep(inputs, options, overrides, sweep, progress);
  events = result.runs.reduce((s, r) => s + r.policies.reduce((t, p) => t + p.events, 0), 0);
  report.sweep = result;
  process.stdout.write(frontierTable(result));
}
mkdirSync(values.out, { recursive: true });
writeFileSync(path.join(values.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(path.join(values.out, 'report.html'), renderReportHtml(report));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stderr.write(
  `${events} events in ${seconds.toFixed(1)} s (${Math.round(events / seconds)} events/s); wrote ${values.out}/report.json and report.html\n`,
);
