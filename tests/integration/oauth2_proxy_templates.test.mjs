// oauth2-proxy's own sign_in.html and error.html (the shared fixtures, copied into a temporary
// --custom-templates-dir at test time) rendered by Gatehouse as oauth2-proxy renders them, through the TLS nginx
// stack with the real IdP, in headless Chromium: the sign-in button, the password form, the error page with its
// request id, their stylesheets, and not one Content-Security-Policy violation.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startSsoStack } from './lib/sso_stack.mjs';
import { repoRoot, tempDir, registerSecret, runGatehouse, buildDir, startGatehouse } from './lib/processes.mjs';
import { httpGet } from './lib/client.mjs';
import { users } from './lib/idp.mjs';
import { chromiumMissing, launchChromium } from './lib/chromium.mjs';
import { oauth2ProxyFixtures } from './lib/oauth2_proxy_fixtures.mjs';

const fixtureTemplates = () => path.join(oauth2ProxyFixtures(), 'templates');

function templatesDir() {
  const dir = tempDir('oauth2-proxy-templates');
  for (const name of ['sign_in.html', 'error.html']) fs.copyFileSync(path.join(fixtureTemplates(), name), path.join(dir, name));
  return dir;
}

describe('oauth2-proxy templates: start-up and plain HTTP', () => {
  test('a template that does not parse stops the start with its file, line and reason (exit 2)', async () => {
    const dir = templatesDir();
    const file = path.join(dir, 'sign_in.html');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('{{ if .CustomLogin }}', '{{ if .CustomLogin | nosuch }}'));
    const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('nosuch')) + 1;
    const { code, output } = await runGatehouse(['--client-id=x', '--client-secret=y', '--oidc-issuer-url=https://idp.example',
      '--cookie-secret=q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=', '--email-domain=*', `--custom-templates-dir=${dir}`]);
    assert.equal(code, 2, output);
    assert.match(output, new RegExp(`--custom-templates-dir: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line ${line}: function "nosuch" not defined`));
  });

  test('--show-debug-on-error: oauth2-proxy\'s error page shows what went wrong instead of the general message', async () => {
    const flags = [`--custom-templates-dir=${templatesDir()}`];
    const plain = await startGatehouse(flags);
    const debug = await startGatehouse([...flags, '--show-debug-on-error']);
    try {
      const target = '/oauth2/callback?code=forged&state=forged-state';
      const general = await httpGet(plain.port, target, { Host: 'auth.example.com' });
      const detailed = await httpGet(debug.port, target, { Host: 'auth.example.com' });
      assert.equal(general.status, 403);
      assert.equal(detailed.status, 403);
      const message = (r) => r.body.match(/<div class="content">\s*([^<]*?)\s*<\/div>/)[1];
      assert.match(message(general), /expired or was opened in another browser/);
      assert.match(message(detailed), /^CSRF cookie missing, expired or invalid$/);
      assert.match(detailed.body, /<div class="status-code">403<\/div>/);
    } finally {
      await plain.stop();
      await debug.stop();
    }
  });

  test('a logo file that cannot be read stops the start naming --custom-sign-in-logo', async () => {
    const { code, output } = await runGatehouse(['--client-id=x', '--client-secret=y', '--oidc-issuer-url=https://idp.example',
      '--cookie-secret=q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=', '--email-domain=*', '--custom-sign-in-logo=/nonexistent/logo.png']);
    assert.equal(code, 2, output);
    assert.match(output, /--custom-sign-in-logo: cannot read \/nonexistent\/logo\.png/);
  });
});

const missing = chromiumMissing();
if (missing) console.error(`\n${'!'.repeat(78)}\n!! ${missing}: oauth2-proxy's templates are NOT tested in a browser.\n${'!'.repeat(78)}\n`);

describe('oauth2-proxy templates in a real browser', { skip: missing ?? false }, () => {
  let stack;
  let browser;
  const problems = [];  // CSP violations and page errors, from every page
  const shots = path.join(buildDir, 'test-output', 'oauth2-proxy-templates');
  const shoot = (page, name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    const dir = templatesDir();
    const htpasswd = path.join(tempDir('oauth2-proxy-templates-users'), 'users');
    execFileSync('htpasswd', ['-cbB', htpasswd, 'night-shift', 'night-shift-password'], { stdio: 'ignore' });
    registerSecret('night-shift-password');
    const logo = path.join(dir, 'logo.svg');
    fs.writeFileSync(logo, '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" id="test-logo"><circle cx="20" cy="20" r="18"/></svg>');
    stack = await startSsoStack({ gatehouseFlags: [`--custom-templates-dir=${dir}`, '--provider-display-name=Keycloak',
      `--htpasswd-file=${htpasswd}`, '--htpasswd-user-group=/operators', `--custom-sign-in-logo=${logo}`] });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function newPage() {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));
    return page;
  }

  // The stylesheet really applied: its rules are there and Bulma's .box rule styles the page's box.
  async function assertBulmaApplied(page) {
    const css = await page.evaluate(() => [...document.styleSheets].filter((s) => /\/oauth2\/static\/css\/bulma\.min\.css$/.test(s.href ?? ''))
      .map((s) => s.cssRules.length));
    assert.equal(css.length, 1, 'bulma.min.css linked');
    assert.ok(css[0] > 20, 'bulma.min.css loaded with its rules');
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.box')).borderRadius), '6px');
  }

  test('the stylesheets are served under the proxy prefix with long cache headers', async () => {
    for (const name of ['bulma.min.css', 'all.min.css']) {
      const res = await httpGet(stack.gatehouse.port, `/oauth2/static/css/${name}`, { Host: `auth.gatehouse.test` });
      assert.equal(res.status, 200, name);
      assert.equal(res.headers['content-type'], 'text/css; charset=utf-8');
      assert.match(res.headers['cache-control'], /^public, max-age=\d{6,}$/);
    }
    assert.equal((await httpGet(stack.gatehouse.port, '/oauth2/static/css/other.css')).status, 404);
  });

  test('sign-in page: oauth2-proxy\'s layout, logo, and "Sign in with Keycloak" leads through the IdP to the app', async () => {
    const page = await newPage();
    const target = `${stack.base('app1')}/dashboard?tab=1`;
    const res = await page.goto(`${stack.base('auth')}/oauth2/sign_in?rd=${encodeURIComponent(target)}`);
    assert.equal(res.status(), 200);
    const html = await res.text();
    assert.doesNotMatch(html, /\{\{|\}\}/, 'no template syntax left');
    assert.doesNotMatch(html, /class="alert"/, 'no error box on a plain sign-in');
    await assertBulmaApplied(page);
    assert.ok(await page.locator('#test-logo').isVisible(), 'the --custom-sign-in-logo SVG is inline');
    assert.equal(await page.locator('input[name=rd]').first().inputValue(), target);
    assert.match(await page.locator('footer').innerText(), /Secured with OAuth2 Proxy version \S+/);
    await shoot(page, '1-sign-in');
    await page.getByRole('button', { name: 'Sign in with Keycloak' }).click();
    await page.waitForURL(/\/interaction\//);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(users.alice.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(target);
    assert.equal(JSON.parse(await page.textContent('body')).headers['x-auth-request-email'], 'alice@gatehouse.test');
    await page.context().close();
  });

  test('password form: a wrong password shows oauth2-proxy\'s 401 box (closable), the right one signs in', async () => {
    const page = await newPage();
    const target = `${stack.base('app1')}/night`;
    await page.goto(`${stack.base('auth')}/oauth2/sign_in?rd=${encodeURIComponent(target)}`);
    await page.locator('#username').fill('night-shift');
    await page.locator('#password').fill('wrong');
    const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    assert.equal(refused.status(), 401);
    await page.waitForLoadState();
    const alert = page.locator('.alert');
    assert.match(await alert.innerText(), /401: Invalid Username or Password/);
    await shoot(page, '2-wrong-password');
    await page.locator('.closebtn').click();  // its onclick runs under the CSP by its hash
    assert.equal(await alert.isVisible(), false, 'the close button hid the box');
    await page.locator('#username').fill('night-shift');
    await page.locator('#password').fill('night-shift-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(target);
    assert.equal(JSON.parse(await page.textContent('body')).headers['x-auth-request-user'], 'night-shift');
    await page.context().close();
  });

  test('error page: a callback with a forged state shows oauth2-proxy\'s error page with its request id', async () => {
    const page = await newPage();
    const res = await page.goto(`${stack.base('auth')}/oauth2/callback?code=forged&state=forged-state`);
    assert.ok(res.status() >= 400 && res.status() < 500, `status ${res.status()}`);
    const html = await res.text();
    assert.doesNotMatch(html, /\{\{|\}\}/);
    assert.equal(await page.locator('.status-code').innerText(), String(res.status()));
    await assertBulmaApplied(page);
    const details = page.locator('#more-info .card-content');
    assert.equal(await details.isVisible(), false, 'More Info starts folded');
    await page.locator('.card-toggle').click();  // its inline script runs under the CSP by its hash
    assert.ok(await details.isVisible(), 'the inline script unfolded More Info');
    const requestId = res.headers()['x-request-id'] ?? '';
    assert.match(await details.innerText(), requestId ? new RegExp(`Request ID: ${requestId}`) : /Request ID: \S+/);
    await shoot(page, '3-error');
    await page.context().close();
  });

  test('no page violated its Content-Security-Policy or failed a script', () => {
    assert.deepEqual(problems, []);
  });
});
