/** The audit trail: who (by name) changed what, when. */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { useConsole } from '../context.js';
import { fill } from '../i18n.js';
import type { AuditEntryView, Page } from '../types.js';

export function AuditTrail() {
  const { t } = useConsole();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<AuditEntryView> | null>(null);
  useEffect(() => {
    void get<Page<AuditEntryView>>(`/api/audit/?page=${page}&page_size=20`).then(setData);
  }, [page]);
  const pages = data ? Math.max(1, Math.ceil(data.count / 20)) : 1;
  return (
    <section aria-label={t.tabAudit}>
      <h2>{t.tabAudit}</h2>
      {!data ? (
        <p>{t.loading}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.when}</th>
              <th scope="col">{t.who}</th>
              <th scope="col">{t.what}</th>
              <th scope="col">{t.changes}</th>
            </tr>
          </thead>
          <tbody>
            {data.results.map((entry) => (
              <tr key={entry.id}>
                <td>{new Date(entry.created_at).toLocaleString()}</td>
                <td>
                  {entry.actor_full_name ??
                    (entry.actor_user_id === null ? t.system : `#${entry.actor_user_id}`)}
                </td>
                <td>
                  {entry.action} {entry.entity_type} {entry.entity_id}
                </td>
                <td class="small">{JSON.stringify(entry.changes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          {t.previousPage}
        </button>
        <span>{fill(t.pageOf, { page, pages })}</span>
        <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          {t.nextPage}
        </button>
      </div>
    </section>
  );
}
