import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type ApiResponse } from '../api/client';

export interface ApiState<T> {
  data?: T;
  etag?: string;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads `path` (null: nothing yet) and reloads when it changes; stale answers are dropped. */
export function useApi<T>(path: string | null): ApiState<T> {
  const [state, setState] = useState<{ res?: ApiResponse<T>; error?: unknown; loading: boolean }>({ loading: path !== null });
  const [tick, setTick] = useState(0);
  const current = useRef(0);
  useEffect(() => {
    if (path === null) {
      setState({ loading: false });
      return;
    }
    const id = ++current.current;
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    api<T>(path, { signal: ctrl.signal }).then(
      (res) => id === current.current && setState({ res, loading: false }),
      (error: unknown) => {
        if (ctrl.signal.aborted || id !== current.current) return;
        setState({ error, loading: false });
      },
    );
    return () => ctrl.abort();
  }, [path, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.res?.data, etag: state.res?.etag, error: state.error, loading: state.loading, reload };
}
