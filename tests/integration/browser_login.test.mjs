// The whole login in a real browser: headless Chromium (Debian's package, driven by playwright-core) against
// the TLS nginx stack with the real IdP. Screenshots of every page go to <build>/test-output/browser/.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSsoStack } from './lib/sso_stack.mjs';
import { execFileSync } from 'node:child_process';
import { buildDir, tempDir, registerSecret } from './lib/processes.mjs';
import { users } from './lib/idp.mjs';
import { chromiumMissing, launchChromium } from './lib/chromium.mjs';

const missing = chromiumMissing();
if (missing) {
  // Loud, never silent: the skip shows in the summary and this banner in the log.
  console.error(`\n${'!'.repeat(78)}\n!! ${missing}: the real-browser login is NOT tested.\n${'!'.repeat(78)}\n`);
}

describe('the login in a real browser (headless Chromium)', { skip: missing ?? false }, () => {
  let stack;
  let browser;
  const shots = path.join(buildDir, 'test-output', 'browser');
  const shoot = (page, name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  const cspViolations = [];

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    stack = await startSsoStack({ authQueries: { app2: '?allowed_groups=/platform-team' },
      gatehouseFlags: ['--footer=Gatehouse test stack'] });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function newPage() {
    // The stack's CA is made at test time; TLS itself is tested with the protocol client.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
    return page;
  }

  async function signInAtIdp(page, user) {
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill(users[user].password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  test('sign-in page: one labelled button, readable on a phone, strict headers', async () => {
    const page = await newPage();
    const res = await page.goto(`${stack.base('auth')}/oauth2/sign_in?rd=/`);
    assert.equal(res.status(), 200);
    const headers = res.headers();
    assert.match(headers['content-security-policy'], /default-src 'none'/);
    assert.match(headers['content-security-policy'], /frame-ancestors 'none'/);
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.equal(headers['cache-control'], 'no-store');
    const button = page.getByRole('link', { name: 'Sign in with Keycloak OIDC' });
    assert.equal(await button.count(), 1);
    assert.ok(await page.getByText('Gatehouse test stack').isVisible(), 'the --footer shows');
    // Fits the phone viewport: nothing wider than the screen.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await shoot(page, '0-sign-in');
    await page.context().close();
  });

  test('app1 → IdP login → app1 as alice; app2 without a second login; sign out; app1 asks again', async () => {
    const page = await newPage();
    await page.goto(`${stack.base('app1')}/dashboard`);
    assert.match(page.url(), /\/interaction\//, 'at the IdP login form');
    await shoot(page, '1-idp-login');
    await signInAtIdp(page, 'alice');
    await page.waitForURL(`${stack.base('app1')}/dashboard`);
    const seen = JSON.parse(await page.textContent('body'));
    assert.equal(seen.headers['x-auth-request-email'], 'alice@gatehouse.test');
    assert.equal(seen.headers['x-auth-request-groups'], '/platform-team,/dev');
    await shoot(page, '2-app1-signed-in');

    await page.goto(`${stack.base('app2')}/reports`);
    assert.equal(page.url(), `${stack.base('app2')}/reports`, 'no login on app2');
    assert.equal(JSON.parse(await page.textContent('body')).headers['x-auth-request-user'], 'alice');
    await shoot(page, '3-app2-same-session');

    await page.goto(`${stack.base('auth')}/oauth2/sign_out`);
    // The IdP asks to confirm its own sign-out, then returns to Gatehouse's signed-out page.
    await shoot(page, '4-idp-sign-out');
    await page.getByRole('button', { name: /yes, sign me out/i }).click();
    await page.waitForURL(`${stack.base('auth')}/oauth2/signed_out`);
    assert.ok(await page.getByRole('heading', { name: 'Signed out' }).isVisible());
    await shoot(page, '5-signed-out');

    await page.goto(`${stack.base('app1')}/dashboard`);
    assert.match(page.url(), /\/interaction\//, 'app1 asks for sign-in again');
    await page.context().close();
  });

  test('a user outside the app\'s group sees the 403 page: who, which app, and the ways out', async () => {
    const page = await newPage();
    await page.goto(`${stack.base('app1')}/`);
    await signInAtIdp(page, 'bob');
    await page.waitForURL(`${stack.base('app1')}/`);
    const res = await page.goto(`${stack.base('app2')}/reports`);
    assert.equal(res.status(), 403);
    assert.ok(await page.getByRole('heading', { name: 'Access denied' }).isVisible());
    const text = await page.textContent('main');
    assert.match(text, /Signed in as bob@gatehouse\.test/);
    assert.match(text, new RegExp(`app2\\.gatehouse\\.test:${stack.port} does not let this account in`));
    assert.doesNotMatch(text, /platform-team|allowed_groups/, 'the rule that refused stays private');
    assert.match(text, /Request ID: \S+/);
    assert.equal(await page.getByRole('link', { name: 'Sign out' }).count(), 1);
    const other = page.getByRole('link', { name: 'Use another account' });
    assert.match(await other.getAttribute('href'),
      new RegExp(`^${stack.base('auth').replace(/\./g, '\\.')}/oauth2/sign_out\\?rd=`));
    assert.equal(res.headers()['cache-control'], 'no-store');
    await shoot(page, '6-forbidden');
    await page.context().close();
  });

  test('no page violated its Content-Security-Policy', () => {
    assert.deepEqual(cspViolations, []);
  });
});

describe('the password form in a real browser (--htpasswd-file)', { skip: missing ?? false }, () => {
  let stack;
  let browser;
  const cspViolations = [];
  before(async () => {
    const dir = tempDir('browser-htpasswd');
    const file = path.join(dir, 'users');
    execFileSync('htpasswd', ['-cbB', file, 'night-shift', 'night-shift-password'], { stdio: 'ignore' });
    registerSecret('night-shift-password');
    stack = await startSsoStack({ gatehouseFlags: [`--htpasswd-file=${file}`, '--htpasswd-user-group=/operators'] });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('user name and password on the sign-in page, then straight to the app on another host', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
    const target = `${stack.base('app1')}/reports`;
    await page.goto(`${stack.base('auth')}/oauth2/sign_in?rd=${encodeURIComponent(target)}`);
    await page.getByLabel('User name').fill('night-shift');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in with a password' }).click();
    assert.ok(await page.getByText('Wrong user name or password.').isVisible(), await page.textContent('body'));
    assert.equal(await page.getByLabel('User name').inputValue(), 'night-shift', 'the user name is kept');
    await page.getByLabel('Password').fill('night-shift-password');
    await page.getByRole('button', { name: 'Sign in with a password' }).click();
    await page.waitForURL(target);
    const seen = JSON.parse(await page.textContent('body'));
    assert.equal(seen.headers['x-auth-request-user'], 'night-shift');
    assert.equal(seen.headers['x-auth-request-groups'], '/operators');
    // The session is the SSO session: another app needs no second sign-in.
    await page.goto(`${stack.base('app2')}/`);
    assert.equal(JSON.parse(await page.textContent('body')).headers['x-auth-request-user'], 'night-shift');
    await context.close();
    assert.deepEqual(cspViolations, []);
  });
});
