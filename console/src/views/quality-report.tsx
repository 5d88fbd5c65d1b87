/**
 * HOOK for issue 7 (the dispatch quality report): `GET /api/reports/dispatch-quality/` is
 * being built on another branch. When it answers, its rows (one per region and day) are drawn
 * as bars per numeric measure; until then (404) the page says the report is not available.
 * The row shape assumed: `{results: [{region_id, day, <measure>: number, …}]}` or a bare list.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get } from '../api.js';
import { useConsole } from '../context.js';

type Row = Record<string, unknown>;
const label = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

export function QualityReport() {
  const { t } = useConsole();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    get<{ results?: Row[] } | Row[]>('/api/reports/dispatch-quality/')
      .then((body) => setRows(Array.isArray(body) ? body : (body.results ?? [])))
      .catch((e: unknown) => {
        if (e instanceof ApiError) setMissing(true);
      });
  }, []);
  if (missing) return <p class="note">{t.reportsMissing}</p>;
  if (!rows) return <p>{t.loading}</p>;
  const measures = [
    ...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => typeof r[k] === 'number'))),
  ];
  return (
    <section aria-label={t.reportsTitle}>
      <h2>{t.reportsTitle}</h2>
      {measures.map((measure) => {
        const top = Math.max(1, ...rows.map((r) => Number(r[measure] ?? 0)));
        return (
          <figure key={measure} class="chart">
            <figcaption>{measure}</figcaption>
            <ul>
              {rows.map((r, i) => (
                <li key={i}>
                  <span class="bar-label">
                    {label(r.region_id ?? r.region)} {label(r.day ?? r.date)}
                  </span>
                  <span
                    class="bar"
                    style={{ width: `${(100 * Number(r[measure] ?? 0)) / top}%` }}
                  />
                  <span class="bar-value">{String(r[measure])}</span>
                </li>
              ))}
            </ul>
          </figure>
        );
      })}
    </section>
  );
}
