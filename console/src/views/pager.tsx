/** The page switcher under a back-office list: previous, "page n of m", next. */
import { useConsole } from '../context.js';
import { fill } from '../i18n.js';

/** Rows per page of the back-office lists. */
export const listPageSize = 20;

/** Pages for `count` rows, at least one (an empty or loading list reads "page 1 of 1"). */
export const listPageCount = (count: number | undefined): number =>
  Math.max(1, Math.ceil((count ?? 0) / listPageSize));

export function Pager({
  page,
  pages,
  onPage,
}: {
  page: number;
  pages: number;
  onPage: (page: number) => void;
}) {
  const { t } = useConsole();
  return (
    <div class="pager">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t.previousPage}
      </button>
      <span>{fill(t.pageOf, { page, pages })}</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t.nextPage}
      </button>
    </div>
  );
}
