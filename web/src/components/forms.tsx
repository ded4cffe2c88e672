import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { ApiError } from '../api/client';

/** Field messages from a 400 problem+json (`body.title` -> `title`), to show beside the inputs. */
export function apiFieldErrors(error: unknown, prefix = 'body.'): Record<string, string> {
  const out: Record<string, string> = {};
  if (error instanceof ApiError) {
    for (const e of error.problem?.errors ?? []) {
      const name = e.field.startsWith(prefix) ? e.field.slice(prefix.length) : e.field;
      out[name] ??= e.message;
    }
  }
  return out;
}

/** Issues of a zod safeParse (the same schema the API validates with), by top-level field. */
export function issuesByField(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = i.path.length > 0 ? String(i.path[0]) : '_';
    out[key] ??= i.message;
  }
  return out;
}

/** A submit in flight: busy flag, the error to show, and a guard against double submits. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const inFlight = useRef(false);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    if (inFlight.current) return undefined;
    inFlight.current = true;
    setBusy(true);
    setError(undefined);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/** A labelled field with hint and error, wired for screen readers. */
export function Field({ id, label, hint, error, children }: { id: string; label: ReactNode; hint?: ReactNode; error?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {hint && (
          <>
            {' '}
            <span className="hint" id={`${id}-hint`}>
              {hint}
            </span>
          </>
        )}
      </label>
      {children}
      {error && (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** aria attributes for an input inside Field. */
export function fieldAria(id: string, error?: string, hint?: boolean) {
  const describedBy = [hint ? `${id}-hint` : undefined, error ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy || undefined } as const;
}

/**
 * A form that opens in place of a button: the keyboard lands on its first field, and Escape
 * cancels it (unless a save is in flight).
 */
export function useInPlaceForm(onCancel: () => void, busy = false) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, []);
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Escape' && !busy) {
      e.preventDefault();
      onCancel();
    }
  };
  return { ref, onKeyDown };
}
