/**
 * Spreadsheet import: choose drivers or passengers, download the template, check the file
 * (a dry run: per-row errors, nothing written), then import every row or none.
 */
import { useState } from 'preact/hooks';
import { ApiError, call, currentToken } from '../api.js';
import { useConsole } from '../context.js';
import { fill } from '../i18n.js';
import { refusalOf } from '../outcome.js';
import type { ImportReport } from '../types.js';

type Kind = 'drivers' | 'passengers';
const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const contentTypeOf = (file: File) =>
  file.name.toLowerCase().endsWith('.csv') ? 'text/csv' : xlsxType;

async function downloadTemplate(kind: Kind, format: 'xlsx' | 'csv') {
  const response = await fetch(`/api/imports/${kind}/template/?format=${format}`, {
    headers: { authorization: `Bearer ${currentToken() ?? ''}` },
  });
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `${kind}-template.${format}`;
  link.click();
  URL.revokeObjectURL(url);
}

export function ImportPanel() {
  const { t, isAdmin } = useConsole();
  const [kind, setKind] = useState<Kind>('drivers');
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setMessage(null);
    try {
      const { body } = await call<ImportReport>(
        'POST',
        `/api/imports/${kind}/${dryRun ? '?dry_run=true' : ''}`,
        undefined,
        { raw: await file.arrayBuffer(), contentType: contentTypeOf(file) },
      );
      setReport(body);
      setMessage(
        dryRun
          ? body.errors.length === 0
            ? fill(t.importPreviewOk, { count: body.total_rows })
            : fill(t.importPreviewBad, { bad: body.errors.length, count: body.total_rows })
          : fill(t.importDone, { count: body.imported }),
      );
    } catch (e: unknown) {
      if (e instanceof ApiError && Array.isArray(e.body.errors)) {
        const failed = e.body as unknown as ImportReport;
        setReport(failed);
        setMessage(
          fill(t.importPreviewBad, { bad: failed.errors.length, count: failed.total_rows }),
        );
      } else {
        setReport(null);
        setMessage(refusalOf(t, e).text);
      }
    } finally {
      setBusy(false);
    }
  };

  if (!isAdmin) return <p class="note">{t.importAdminOnly}</p>;
  const previewClean = report?.dry_run === true && report.errors.length === 0;

  return (
    <section aria-label={t.importTitle} class="import">
      <h2>{t.importTitle}</h2>
      <fieldset>
        <legend>{t.importKind}</legend>
        {(['drivers', 'passengers'] as Kind[]).map((k) => (
          <label key={k} class="inline">
            <input
              type="radio"
              name="import-kind"
              value={k}
              checked={kind === k}
              onChange={() => {
                setKind(k);
                setReport(null);
              }}
            />{' '}
            {k === 'drivers' ? t.tabDrivers : t.tabPassengers}
          </label>
        ))}
      </fieldset>
      <p>
        <button type="button" onClick={() => void downloadTemplate(kind, 'xlsx')}>
          {t.importTemplate} (.xlsx)
        </button>{' '}
        <button type="button" onClick={() => void downloadTemplate(kind, 'csv')}>
          {t.importTemplate} (.csv)
        </button>
      </p>
      <label for="import-file">{t.importFile}</label>
      <input
        id="import-file"
        type="file"
        accept=".xlsx,.csv,text/csv"
        onChange={(e) => {
          setFile(e.currentTarget.files?.[0] ?? null);
          setReport(null);
        }}
      />
      <p>
        <button type="button" disabled={!file || busy} onClick={() => void send(true)}>
          {t.importPreview}
        </button>{' '}
        <button
          type="button"
          disabled={!file || busy || !previewClean}
          onClick={() => void send(false)}
        >
          {t.importRun}
        </button>
      </p>
      <p role="status">{message}</p>
      {report && report.errors.length > 0 && (
        <table aria-label={t.importError}>
          <thead>
            <tr>
              <th scope="col">{t.importRow}</th>
              <th scope="col">{t.importError}</th>
            </tr>
          </thead>
          <tbody>
            {report.errors.map((error) => (
              <tr key={error.row}>
                <td>{error.row}</td>
                <td>
                  {error.message}
                  {error.fields &&
                    Object.entries(error.fields).map(([name, problems]) => (
                      <div key={name} class="small">
                        {name}: {problems.join('; ')}
                      </div>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
