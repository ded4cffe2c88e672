// @ts-nocheck
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type ApiResponse } from '../api/client';

export interface ApiState<T> {
  data?: T;
  etag?: string;
  error?: unknown;
  loading: boolean;
  reload: () => void;
  /** Shows an answer the screen already has (e.g. the entry a change returned), without a reload. */
  replace: (res: ApiResponse<T>) => void;
}

/**
 * Loads data for `key` (null: nothing to load yet) and again when the key changes or on reload;
 * answers to an older key are dropped. Without a fetcher, `key` is the path to GET.
 */
export function useApi<T>(key: string | null, fetcher?: (signal: AbortSignal) => Promise<ApiResponse<T>>): ApiState<T> {
  const [state, setState] = useState<{ res?: ApiResponse<T>; error?: unknown; loading: boolean }>({ loading: key !== null });
  const [tick, setTick] = useState(0);
  const current = useRef(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  useEffect(() => {
    if (key === null) {
      setState({ loading: false });
      return;
    }
    const id = ++current.current;
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    const load = fetcherRef.current ?? ((signal: AbortSignal) => api<T>(key, { signal }));
    load(ctrl.signal).then(
      (res) => id === current.current && setState({ res, loading: false }),
      (error: unknown) => {
        if (ctrl.signal.aborted || id !== current.current) return;
        setState({ error, loading: false });
      },
    );
    return () => ctrl.abort();
  }, [key, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const replace = useCallback((res: ApiResponse<T>) => {
    current.current++;
    setState({ res, loading: false });
  }, []);
  return { data: state.res?.data, etag: state.res?.etag, error: state.error, loading: state.loading, reload, replace };
}

export interface PagedState<T> {
  items: T[];
  error?: unknown;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/** A cursor-paginated list: the first page for `key`, more pages on demand. */
export function usePaged<T>(key: string | null, fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<{ items: T[]; nextCursor?: string }>): PagedState<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(key !== null);
  const [tick, setTick] = useState(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const generation = useRef(0);
  const ctrlRef = useRef<AbortController | undefined>(undefined);

  const load = useCallback((after: string | undefined, replace: boolean) => {
    const gen = generation.current;
    ctrlRef.current?.abort();
    const ctrl = new AbortController();
    ctrlRef.current = ctrl;
    setLoading(true);
    setError(undefined);
    fetchRef.current(after, ctrl.signal).then(
      (page) => {
        if (gen !== generation.current || ctrl.signal.aborted) return;
        setItems((prev) => (replace ? page.items : [...prev, ...page.items]));
        setCursor(page.nextCursor);
        setLoading(false);
      },
      (e: unknown) => {
        if (gen !== generation.current || ctrl.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    generation.current++;
    setItems([]);
    setCursor(undefined);
    if (key === null) {
      setLoading(false);
      return;
    }
    load(undefined, true);
    return () => ctrlRef.current?.abort();
  }, [key, tick, load]);

  return {
    items,
    error,
    loading,
    hasMore: cursor !== undefined,
    loadMore: () => cursor !== undefined && !loading && load(cursor, false),
    reload: () => setTick((n) => n + 1),
  };
}

/** useApi for loaders that return the body only. */
export function useData<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): ApiState<T> {
  return useApi<T>(key, async (signal) => ({ data: await load(signal), status: 200, headers: new Headers() }));
}
