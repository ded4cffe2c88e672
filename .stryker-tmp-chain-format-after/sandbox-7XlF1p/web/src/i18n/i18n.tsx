// @ts-nocheck
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { en } from './en';
import { nb, type MessageKey } from './nb';

export type Lang = 'nb' | 'en';
export type { MessageKey };

const MESSAGES: Record<Lang, Record<MessageKey, string>> = { nb, en };
// The language choice is a preference, not patient data, so it may outlive the session.
const LANG_KEY = 'fj.lang';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
  /** The message for a key built from data (an action code, a reason code), or the fallback. */
  tOr: (key: string, fallback: string) => string;
  /** Date and time in the user's language, Norwegian time zone. */
  dateTime: (iso: string | number | undefined) => string;
  date: (iso: string | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    const stored = localStorage.getItem(LANG_KEY);
    if (stored === 'nb' || stored === 'en') return stored;
  } catch {
    // Storage may be disabled; bokmål is the default.
  }
  return 'nb';
}

export function format(template: string, params?: Record<string, string | number>): string {
  return params ? template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m)) : template;
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    document.documentElement.lang = next;
    try {
      localStorage.setItem(LANG_KEY, next);
    } catch {
      // Not fatal: the choice lasts until reload.
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const locale = lang === 'nb' ? 'nb-NO' : 'en-GB';
    const dtf = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Oslo' });
    const df = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'Europe/Oslo' });
    document.documentElement.lang = lang;
    return {
      lang,
      setLang,
      t: (key, params) => format(MESSAGES[lang][key], params),
      tOr: (key, fallback) => (key in MESSAGES[lang] ? MESSAGES[lang][key as MessageKey] : fallback),
      dateTime: (v) => {
        if (v === undefined || v === '') return '';
        const d = new Date(v);
        return Number.isNaN(d.getTime()) ? String(v) : dtf.format(d);
      },
      date: (v) => {
        if (!v) return '';
        // A bare date (birth date) is a calendar date, not an instant.
        const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T12:00:00Z`) : new Date(v);
        return Number.isNaN(d.getTime()) ? v : df.format(d);
      },
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
