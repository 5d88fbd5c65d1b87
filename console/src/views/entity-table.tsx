/** A back-office list, page by page; admins also create, edit and deactivate. */
import { useEffect, useState } from 'preact/hooks';
import { call, get } from '../api.js';
import { useConsole } from '../context.js';
import { refusalOf, type Outcome } from '../outcome.js';
import type { Page } from '../types.js';
import type { Entity, Field } from './entities.js';
import { listPageCount, listPageSize, Pager } from './pager.js';

type Row = Record<string, unknown>;

function valueOf(row: Row | null, field: Field): string | boolean {
  const raw =
    row?.[field.name] ??
    (field.name === 'region_id' ? (row?.region as Row | null)?.id : undefined) ??
    (field.name === 'phone' ? ((row?.user as Row | null)?.phone ?? row?.phone) : undefined);
  if (field.type === 'checkbox') return raw === true;
  return typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
}

function EntityForm(props: { entity: Entity; row: Row | null; onDone: (o: Outcome) => void }) {
  const { t } = useConsole();
  const { entity, row } = props;
  const fields = entity.fields.filter((f) => row === null || !f.createOnly);
  const [values, setValues] = useState(() =>
    Object.fromEntries(fields.map((f) => [f.name, valueOf(row, f)])),
  );
  const [error, setError] = useState<string | null>(null);
  const formId = row ? `edit-${entity.id(row)}` : 'create';

  const submit = async (event: Event) => {
    event.preventDefault();
    const body: Record<string, unknown> = {};
    for (const field of fields) {
      const value = values[field.name];
      if (field.type === 'checkbox') body[field.name] = value === true;
      else if (value === '') {
        if (row) continue;
      } else body[field.name] = field.type === 'number' ? Number(value) : value;
    }
    try {
      if (row) await call('PATCH', `${entity.path}${entity.id(row)}/`, body);
      else await call('POST', entity.path, body);
      props.onDone({ kind: 'done', text: t.saved });
    } catch (e: unknown) {
      setError(refusalOf(t, e).text);
    }
  };

  return (
    <form class="entity-form" onSubmit={(e) => void submit(e)}>
      {fields.map((field) => {
        const id = `${formId}-${field.name}`;
        const value = values[field.name];
        const set = (next: string | boolean) => setValues({ ...values, [field.name]: next });
        return (
          <div class="field" key={field.name}>
            <label for={id}>{field.label}</label>
            {field.type === 'checkbox' ? (
              <input
                id={id}
                type="checkbox"
                checked={value === true}
                onChange={(e) => set(e.currentTarget.checked)}
              />
            ) : field.type === 'select' ? (
              <select
                id={id}
                value={String(value)}
                required={field.required}
                onChange={(e) => set(e.currentTarget.value)}
              >
                <option value="">—</option>
                {field.options!.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                type="text"
                inputMode={
                  field.type === 'number' ? 'decimal' : field.type === 'tel' ? 'tel' : 'text'
                }
                autoComplete={field.type === 'tel' ? 'tel' : 'off'}
                required={field.required && row === null}
                value={String(value)}
                onInput={(e) => set(e.currentTarget.value)}
              />
            )}
          </div>
        );
      })}
      <button type="submit">{row ? t.save : t.create}</button>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </form>
  );
}

export function EntityTable({ entity, title }: { entity: Entity; title: string }) {
  const { t, isAdmin } = useConsole();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<Row> | null>(null);
  const [editing, setEditing] = useState<Row | 'new' | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const join = entity.path.includes('?') ? '&' : '?';
    void get<Page<Row> | Row[]>(`${entity.path}${join}page=${page}&page_size=${listPageSize}`).then(
      (body) =>
        setData(
          Array.isArray(body)
            ? { count: body.length, next: null, previous: null, results: body }
            : body,
        ),
    );
  }, [entity.path, page, reload]);

  const done = (o: Outcome) => {
    setOutcome(o);
    setEditing(null);
    setReload((n) => n + 1);
  };
  const deactivate = async (row: Row) => {
    try {
      await call('DELETE', `${entity.path}${entity.id(row)}/`);
      done({ kind: 'done', text: t.saved });
    } catch (e: unknown) {
      setOutcome(refusalOf(t, e));
    }
  };
  const pages = listPageCount(data?.count);

  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {!isAdmin && <p class="note">{t.readOnly}</p>}
      <p role="status">{outcome?.text}</p>
      {isAdmin && (
        <button type="button" onClick={() => setEditing(editing === 'new' ? null : 'new')}>
          {t.create}
        </button>
      )}
      {editing === 'new' && <EntityForm entity={entity} row={null} onDone={done} />}
      {!data ? (
        <p>{t.loading}</p>
      ) : (
        <table>
          <thead>
            <tr>
              {entity.columns.map((c) => (
                <th scope="col" key={c.label}>
                  {c.label}
                </th>
              ))}
              {isAdmin && <th scope="col">{t.actions}</th>}
            </tr>
          </thead>
          <tbody>
            {data.results.map((row) => (
              <tr key={entity.id(row)}>
                {entity.columns.map((c) => (
                  <td key={c.label}>{c.value(row)}</td>
                ))}
                {isAdmin && (
                  <td>
                    <button type="button" onClick={() => setEditing(editing === row ? null : row)}>
                      {t.edit}
                    </button>{' '}
                    <button type="button" class="danger" onClick={() => void deactivate(row)}>
                      {t.deactivate}
                    </button>
                    {editing === row && <EntityForm entity={entity} row={row} onDone={done} />}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={page} pages={pages} onPage={setPage} />
    </section>
  );
}
