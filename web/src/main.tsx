import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { restoreSession } from './auth/session';
import { loadConfig } from './config';
import { I18nProvider } from './i18n/i18n';
import { prefetchDemoUsers } from './pages/login-page';
import './styles.css';

async function boot(): Promise<void> {
  await loadConfig();
  if (sessionStorage.getItem('fj.session') === null) prefetchDemoUsers();
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

void boot();
