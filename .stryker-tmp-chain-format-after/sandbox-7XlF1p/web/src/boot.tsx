// @ts-nocheck
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { restoreSession } from './auth/session';
import { I18nProvider } from './i18n/i18n';
import './styles.css';

/** Picks up this tab's session, if any, and renders the app. */
export async function boot(): Promise<void> {
  await restoreSession();
  const root = document.getElementById('root');
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <I18nProvider>
        <App />
      </I18nProvider>
    </StrictMode>,
  );
}
