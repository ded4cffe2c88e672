// @ts-nocheck
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { ErrorMessage } from './error-message';
import { Empty, Loading } from './ui';
import type { PagedState } from './use-api';

/** Below a cursor-paged list: the spinner while a page loads, then "show more" while there is more. */
export function ListFooter({ list }: { list: Pick<PagedState<unknown>, 'loading' | 'hasMore' | 'loadMore'> }) {
  const { t } = useI18n();
  if (list.loading) return <Loading />;
  if (!list.hasMore) return null;
  return (
    <button type="button" className="btn" onClick={list.loadMore}>
      {t('app.more')}
    </button>
  );
}

/**
 * A cursor-paged list (usePaged) in its states: the error with a retry, the empty message, the
 * items (rendered by the page, only when there are some), and the list footer.
 * `retry: false` leaves the retry out where trying again cannot help (a refusal).
 */
export function PagedList<T>({ list, empty, retry = true, children }: { list: PagedState<T>; empty?: ReactNode; retry?: boolean; children: (items: T[]) => ReactNode }) {
  return (
    <>
      {list.error !== undefined && <ErrorMessage error={list.error} onRetry={retry ? list.reload : undefined} />}
      {empty !== undefined && list.error === undefined && !list.loading && list.items.length === 0 && <Empty>{empty}</Empty>}
      {list.items.length > 0 && children(list.items)}
      <ListFooter list={list} />
    </>
  );
}
