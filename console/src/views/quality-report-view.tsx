/**
 * The quality report (`GET /api/reports/dispatch-quality/`) as charts per day with one series
 * per region, each with its table. The first request has no dates, so the server's default
 * (the week ending today in the service time zone) fills the range fields. Loaded lazily by
 * quality-report.tsx: Chart.js is not part of the console's first screen.
 */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { useConsole, useTopic } from '../context.js';
import { fill } from '../i18n.js';
import type { DispatchQualityReport } from '../types.js';
import { maxReportDays } from '../../../lib/quality/report-limits.js';
import { ReportChart } from './quality-report-chart.js';
import {
  reportCharts,
  reportFormat,
  reportPath,
  reportRefusal,
  type ReportRange,
} from './quality-report-figures.js';

type Answer =
  | { kind: 'loading' }
  | { kind: 'report'; report: DispatchQualityReport }
  | { kind: 'refused'; text: string };

export function QualityReportView() {
  const { t, store } = useConsole();
  useTopic(store, 'regions');
  const [form, setForm] = useState<ReportRange>({ from: '', to: '', regionId: '' });
  const [asked, setAsked] = useState<ReportRange>(form);
  const [answer, setAnswer] = useState<Answer>({ kind: 'loading' });

  useEffect(() => {
    let current = true;
    setAnswer({ kind: 'loading' });
    get<DispatchQualityReport>(reportPath(asked))
      .then((report) => {
        if (!current) return;
        setAnswer({ kind: 'report', report });
        // The server's default range becomes the fields' values.
        setForm((f) => ({ ...f, from: f.from || report.from, to: f.to || report.to }));
      })
      .catch((e: unknown) => {
        if (current)
          setAnswer({ kind: 'refused', text: reportRefusal(t, e, asked, maxReportDays) });
      });
    return () => {
      current = false;
    };
    // Messages are read when the answer comes; a language switch does not ask again.
  }, [asked]);

  const format = reportFormat(t);
  const regionTitles = new Map(store.regions.map((r) => [r.id, r.title]));
  const report = answer.kind === 'report' ? answer.report : null;
  const rows = report?.results ?? [];
  const days = [...new Set(rows.map((r) => r.day))];
  const regions = [...new Set(rows.map((r) => r.region_id))].map((id) => ({
    id,
    title: regionTitles.get(id) ?? id,
  }));

  return (
    <section class="quality-report" aria-labelledby="quality-report-title">
      <h2 id="quality-report-title" tabIndex={-1}>
        {t.reportsTitle}
      </h2>
      <form
        class="report-filters"
        aria-label={t.filters}
        onSubmit={(e) => {
          e.preventDefault();
          setAsked({ ...form });
        }}
      >
        <div class="field">
          <label for="report-from">{t.reportFrom}</label>
          <input
            id="report-from"
            type="date"
            value={form.from}
            onInput={(e) => setForm({ ...form, from: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="report-to">{t.reportTo}</label>
          <input
            id="report-to"
            type="date"
            value={form.to}
            onInput={(e) => setForm({ ...form, to: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="report-region">{t.region}</label>
          <select
            id="report-region"
            value={form.regionId}
            onChange={(e) => setForm({ ...form, regionId: e.currentTarget.value })}
          >
            <option value="">{t.allRegions}</option>
            {store.regions.map((r) => (
              <option value={r.id} key={r.id}>
                {r.title}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t.reportShow}</button>
      </form>
      <div role="status" class="report-status">
        {answer.kind === 'loading' ? t.loading : null}
        {report
          ? fill(t.reportShown, {
              from: format.longDay(report.from),
              to: format.longDay(report.to),
              zone: report.time_zone,
            })
          : null}
      </div>
      {answer.kind === 'refused' ? (
        <p role="alert" class="outcome refused">
          {answer.text}
        </p>
      ) : null}
      {report ? (
        <div class="report-charts">
          {reportCharts(t).map((spec) => (
            <ReportChart
              key={spec.id}
              t={t}
              format={format}
              spec={spec}
              days={days}
              regions={regions}
              rows={rows}
            />
          ))}
        </div>
      ) : null}
    </section>
  );
}
