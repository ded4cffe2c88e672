// @ts-nocheck
import { prefetchDemoUsers } from './auth/demo-users';
import { loadConfig } from './config';

// The entry is tiny on purpose: it starts the config and (for local login) the demo-user list
// while React and the app load in parallel, instead of after them.
const app = import('./boot');
void loadConfig().then(async () => {
  if (sessionStorage.getItem('fj.session') === null) prefetchDemoUsers();
  await (await app).boot();
});
