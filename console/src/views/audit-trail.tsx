/** The audit trail: who (by name) changed what, when. */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { useConsole } from '../context.js';
import type { AuditEntryView, Page } from '../types.js';
import { listPageCount, listPageSize, Pager } from './pager.js';

export function AuditTrail() {
  const { t } = useConsole();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<AuditEntryView> | null>(null);
  useEffect(() => {
    void get<Page<AuditEntryView>>(`/api/audit/?page=${page}&page_size=${listPageSize}`).then(
      setData,
    );
  }, [page]);
  const pages = listPageCount(data?.count);
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
      <Pager page={page} pages={pages} onPage={setPage} />
    </section>
  );
}
