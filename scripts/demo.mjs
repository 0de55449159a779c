// `make demo`: the single-sign-on stack of the end-to-end test, for a person, on fixed ports:
//   https://app1.gatehouse.test:8443/ and https://app2.gatehouse.test:8443/ behind nginx (auth_request), open to
//   every signed-in user; https://admin.gatehouse.test:8443/ only for the group /platform-team (a per-app rule on
//   its auth-url), so bob sees the 403 page; Gatehouse at https://auth.gatehouse.test:8443/oauth2/, the IdP
//   (oidc-provider) at http://127.0.0.1:9000.
// Runs until Ctrl-C, then stops everything it started.
import { startSsoStack, domain } from '../tests/integration/lib/sso_stack.mjs';
import { users } from '../tests/integration/lib/idp.mjs';
import { Browser } from '../tests/integration/lib/browser.mjs';
import { login } from '../tests/integration/lib/login_steps.mjs';
import { startDemoApp } from './demo_app.mjs';

const port = Number(process.env.DEMO_PORT ?? 8443);
const idpPort = Number(process.env.DEMO_IDP_PORT ?? 9000);
const adminGroup = '/platform-team';
const url = (name) => `https://${name}.${domain}:${port}/`;
const apps = [
  { name: 'App 1', host: `app1.${domain}`, url: url('app1'), note: 'every signed-in user' },
  { name: 'App 2', host: `app2.${domain}`, url: url('app2'), note: 'every signed-in user (signed in once = here too)' },
  { name: 'Admin', host: `admin.${domain}`, url: url('admin'), note: `only the group ${adminGroup}` },
];
const signOut = (back) => `${url('auth')}oauth2/sign_out?rd=${encodeURIComponent(back)}`;

const stack = await startSsoStack({
  port, idpPort,
  apps: ['app1', 'app2', 'admin'],
  authQueries: { admin: `?allowed_groups=${encodeURIComponent(adminGroup)}` },
  startApp: (appPort) => startDemoApp(appPort, { apps, signOut }),
  authHostRoot: url('app1'),  // "Sign in again" on the signed-out page ends on an app, not on a bare answer
});

// Self-check: alice signs in and sees who she is; bob signs in and is refused the admin app with the 403 page.
async function selfCheck() {
  const [, aliceHops] = await login(new Browser({ ca: stack.certs.ca }), url('app1'), 'alice');
  const alicePage = aliceHops.at(-1);
  if (alicePage.status !== 200 || !alicePage.body.includes(users.alice.email))
    throw new Error(`alice's sign-in ended with ${alicePage.status} at ${alicePage.url}`);
  const [, bobHops] = await login(new Browser({ ca: stack.certs.ca }), url('admin'), 'bob');
  const bobPage = bobHops.at(-1);
  if (bobPage.status !== 403) throw new Error(`bob on the admin app got ${bobPage.status}, not the 403 page`);
  return 'alice signed in and saw her page; bob was refused the admin app (403 page)';
}
const checked = await selfCheck();

const width = Math.max(...Object.keys(users).map((u) => u.length));
const userLines = Object.entries(users).map(([name, u]) =>
  `${name.padEnd(width)} / ${u.password.padEnd(16)} ${u.email}, groups ${u.groups.join(', ')}` +
  (u.groups.includes(adminGroup) ? ' (may open Admin)' : ''));

console.log(`
Gatehouse single sign-on demo is running.

${apps.map((a) => `  ${a.name.padEnd(9)}${a.url.padEnd(40)}${a.note}`).join('\n')}
  Sign out ${`${url('auth')}oauth2/sign_out`}
  IdP      ${stack.idp.issuer}

  Test users (user / password):
${userLines.map((l) => `    ${l}`).join('\n')}

  The names *.${domain} must resolve to 127.0.0.1 and the demo CA must be trusted, for example:
    chromium --host-resolver-rules="MAP *.${domain} 127.0.0.1" --ignore-certificate-errors ${url('app1')}
    curl --cacert ${stack.certs.caFile} --resolve app1.${domain}:${port}:127.0.0.1 ${url('app1')}

  Self-check: ${checked}.

Press Ctrl-C to stop.`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
