// @ts-nocheck
import { useCallback, useState } from 'react';
import { useI18n, type MessageKey } from '../i18n/i18n';

/**
 * After a change on a list page: the message to announce, and a tick that names the next load of
 * the lists the change touched (useApi keys include it).
 */
export function useChangeNotice(): { tick: number; notice?: MessageKey; changed: (message: MessageKey) => void } {
  const [tick, setTick] = useState(0);
  const [notice, setNotice] = useState<MessageKey>();
  const changed = useCallback((message: MessageKey) => {
    setNotice(message);
    setTick((n) => n + 1);
  }, []);
  return { tick, notice, changed };
}

/** The announcement of the last change (read out by screen readers as it appears). */
export function ChangeNotice({ notice, testId }: { notice?: MessageKey; testId: string }) {
  const { t } = useI18n();
  return (
    <div aria-live="polite">
      {notice && (
        <p className="alert alert-ok" data-testid={testId}>
          {t(notice)}
        </p>
      )}
    </div>
  );
}
