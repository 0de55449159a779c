// Per-app authorization end to end: real IdP, real nginx. Two users in different groups, two apps whose rules
// differ: app1 via query parameters on its auth-url, app2 via the policy file. Each user gets 200 or 403, and
// an edit of the policy file takes effect without a restart.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSsoStack } from './lib/sso_stack.mjs';
import { Browser } from './lib/browser.mjs';
import { login } from './lib/login_steps.mjs';
import { tempDir } from './lib/processes.mjs';

// app1 is named by no rule: the file leaves it to the global rules and its auth-url's query.
const policy = (group) => `unnamed_hosts: global_rules
rules:
  - host: app2.gatehouse.test
    path: /
    allow:
      groups: [${group}]
`;

describe('two apps, two users, two ways to say who may enter', () => {
  let stack;
  let policyFile;
  const users = {};
  before(async () => {
    policyFile = path.join(tempDir('policy'), 'policy.yaml');
    fs.writeFileSync(policyFile, policy('/platform-team'));
    stack = await startSsoStack({
      gatehouseFlags: [`--policy-file=${policyFile}`],
      authQueries: { app1: '?allowed_groups=/dev&allowed_emails=bob@gatehouse.test' },
    });
    // alice is in /platform-team and /dev; bob only in /dev. Each signs in once through the IdP.
    for (const name of ['alice', 'bob']) {
      users[name] = new Browser({ ca: stack.certs.ca });
      const [, hops] = await login(users[name], `${stack.base('auth')}/oauth2/start?rd=/`, name);
      assert.ok(users[name].cookie('_oauth2_proxy'), `${name} has a session`);
      assert.ok(hops.length > 0);
    }
  });
  after(async () => { await stack?.stop(); });

  const status = async (user, app) => (await users[user].get(`${stack.base(app)}/`)).status;

  test('app1 (allowed_groups=/dev&allowed_emails=bob@… on its auth-url) admits bob and refuses alice', async () => {
    assert.equal(await status('bob', 'app1'), 200);
    assert.equal(await status('alice', 'app1'), 403);
    await stack.gatehouse.waitForOutput(/status=403 reason="not in the app's allowed_emails".*email="alice@gatehouse.test"/);
  });

  test('app2 (policy: /platform-team) admits alice and refuses bob with 403', async () => {
    assert.equal(await status('alice', 'app2'), 200);
    assert.equal(await status('bob', 'app2'), 403);
    await stack.gatehouse.waitForOutput(/status=403 reason="the policy rule does not admit this user".*email="bob@gatehouse.test"/);
  });

  test('a policy edit takes effect without a restart', async () => {
    fs.writeFileSync(policyFile, policy('/dev'));
    let bob;
    for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
      if ((bob = await status('bob', 'app2')) === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(bob, 200);
    assert.equal(await status('alice', 'app2'), 200);
  });
});

// A per-app rule named twice on the auth-url (a template that appends): which list counts would depend on the
// reader, so through real nginx both users are refused, with the reason in the log.
describe('an auth-url that names allowed_groups twice', () => {
  let stack;
  const users = {};
  before(async () => {
    stack = await startSsoStack({ authQueries: { app1: '?allowed_groups=/platform-team&allowed_groups=/dev' } });
    for (const name of ['alice', 'bob']) {
      users[name] = new Browser({ ca: stack.certs.ca });
      await login(users[name], `${stack.base('auth')}/oauth2/start?rd=/`, name);
    }
  });
  after(async () => { await stack?.stop(); });

  test('is refused for everyone through nginx, never read as one of the lists', async () => {
    assert.equal((await users.bob.get(`${stack.base('app1')}/`)).status, 403);
    assert.equal((await users.alice.get(`${stack.base('app1')}/`)).status, 403);
    await stack.gatehouse.waitForOutput(/status=403 reason="the auth URL names one of the app's rules twice"/);
    assert.equal((await users.bob.get(`${stack.base('app2')}/`)).status, 200, 'an app without the rule is unaffected');
  });
});
