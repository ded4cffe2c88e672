// @ts-nocheck
import type { Session } from '../auth/session';
import { PageTitle } from '../components/ui';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Link } from '../router';
import { SCREENS } from '../screens';

/** The start page: a greeting and the tasks of the user's roles. */
export function HomePage({ session }: { session: Session }) {
  const { t } = useI18n();
  const tasks = SCREENS.filter((s) => s.nav && s.roles.some((r) => session.me.roles.includes(r)));
  return (
    <>
      <PageTitle>{t('home.title', { name: session.me.name ?? session.me.sub })}</PageTitle>
      <p className="lead">{t('home.intro')}</p>
      <ul className="tiles" data-testid="home-tiles">
        {tasks.map((s) => (
          <li key={s.path}>
            <Link to={s.path} className="tile">
              <span className="tile-title">{t(s.nav as MessageKey)}</span>
              {s.blurb && <span className="tile-blurb">{t(s.blurb)}</span>}
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
