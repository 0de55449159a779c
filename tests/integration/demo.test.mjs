// `make demo` as a person meets it: the script starts, prints every user, and the stack it leaves running
// shows a signed-in user who they are (never the cookie), refuses bob the admin app with Gatehouse's 403
// page, and after sign-out "Sign in again" ends on an app, not on a bare answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Proc, freePort, repoRoot } from './lib/processes.mjs';
import { Browser } from './lib/browser.mjs';
import { login } from './lib/login_steps.mjs';
import { users } from './lib/idp.mjs';

test('make demo: every user printed, who-am-I pages without the cookie, a 403 app for bob, sign out and back',
  { timeout: 120000 }, async () => {
    const port = await freePort();
    const demo = new Proc('node', [path.join(repoRoot, 'scripts/demo.mjs')], {
      env: { ...process.env, DEMO_PORT: String(port), DEMO_IDP_PORT: String(await freePort()) } });
    try {
      await demo.waitForOutput(/Press Ctrl-C to stop/, 60000);
      for (const [name, u] of Object.entries(users)) assert.match(demo.output, new RegExp(`${name}\\s+/ ${u.password}`));
      assert.match(demo.output, /Self-check: alice signed in and saw her page; bob was refused the admin app/);
      const ca = fs.readFileSync(demo.output.match(/--cacert (\S+)/)[1]);
      const url = (name) => `https://${name}.gatehouse.test:${port}/`;

      const alice = new Browser({ ca });
      const [, hops] = await login(alice, url('app1'), 'alice');
      const page = hops.at(-1);
      assert.equal(page.status, 200);
      assert.match(page.body, /alice@gatehouse\.test/);
      assert.match(page.body, /\/platform-team, \/dev/);
      const session = alice.cookie('_oauth2_proxy');
      assert.ok(session?.value, 'signed in');
      assert.ok(!page.body.includes(session.value.slice(0, 24)), 'the page never shows the session cookie');
      assert.doesNotMatch(page.body, /_oauth2_proxy|cookie/i);
      const admin = await alice.get(url('admin'));
      assert.equal(admin.status, 200, 'alice is in /platform-team');

      const bob = new Browser({ ca });
      const [, bobHops] = await login(bob, url('admin'), 'bob');
      assert.equal(bobHops.at(-1).status, 403);
      assert.match(bobHops.at(-1).body, /bob@gatehouse\.test/, "Gatehouse's 403 page says who is signed in");
      assert.equal((await bob.get(url('app2'))).status, 200, 'bob may see the open apps');

      // The page's Sign out link returns to the app, which asks to sign in again at the IdP.
      const signOut = page.body.match(/href="([^"]*oauth2\/sign_out[^"]*)"/)[1].replaceAll('&#38;', '&');
      const out = await alice.follow(signOut, { stopAt: (u) => u.includes('/interaction/') || u.includes('/session/end') });
      assert.ok(!alice.cookie('_oauth2_proxy'), 'the session cookie is cleared');
      assert.ok(out.length > 0);
      // The signed-out page's "Sign in again" (and any visit to the sign-in host's root) lands on an app.
      const root = await alice.get(url('auth'));
      assert.equal(root.status, 302);
      assert.equal(root.location, url('app1'));
    } finally {
      const { code, signal } = await demo.stop('SIGTERM', 15000);
      assert.ok(code === 0 || signal === 'SIGTERM', `the demo stops cleanly on SIGTERM (${code} ${signal})`);
    }
  });
