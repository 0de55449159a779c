// `make demo`: the single-sign-on stack of the end-to-end test, for a person, on fixed ports:
//   https://app1.gatehouse.test:8443/ and https://app2.gatehouse.test:8443/ behind nginx (auth_request),
//   Gatehouse at https://auth.gatehouse.test:8443/oauth2/, the IdP (oidc-provider) at http://127.0.0.1:9000.
// Runs until Ctrl-C, then stops everything it started.
import { startSsoStack } from '../tests/integration/lib/sso_stack.mjs';
import { users } from '../tests/integration/lib/idp.mjs';
import { Browser } from '../tests/integration/lib/browser.mjs';
import { login } from '../tests/integration/lib/login_steps.mjs';

const port = Number(process.env.DEMO_PORT ?? 8443);
const idpPort = Number(process.env.DEMO_IDP_PORT ?? 9000);
const stack = await startSsoStack({ port, idpPort });

// Self-check: one scripted login, so the demo proves itself before handing over.
const b = new Browser({ ca: stack.certs.ca });
const [, hops] = await login(b, `${stack.base('app1')}/`);
const landed = hops.at(-1);
const seen = JSON.parse(landed.body).headers;

console.log(`
Gatehouse single sign-on demo is running.

  App 1      ${stack.base('app1')}/
  App 2      ${stack.base('app2')}/        (signed in once = signed in here too)
  Sign out   ${stack.base('auth')}/oauth2/sign_out
  IdP        ${stack.idp.issuer}

  Test users:  alice / ${users.alice.password}   (groups ${users.alice.groups.join(', ')})
               bob   / ${users.bob.password}     (groups ${users.bob.groups.join(', ')})

  The names *.gatehouse.test must resolve to 127.0.0.1 and the demo CA must be trusted, for example:
    chromium --host-resolver-rules="MAP *.gatehouse.test 127.0.0.1" --ignore-certificate-errors ${stack.base('app1')}/
    curl --cacert ${stack.certs.caFile} --resolve app1.gatehouse.test:${port}:127.0.0.1 ${stack.base('app1')}/

  Self-check: signed in as ${seen['x-auth-request-email']} (groups ${seen['x-auth-request-groups']}) through the IdP's form.

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
