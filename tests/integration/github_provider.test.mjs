// --provider=github against a local stand-in for GitHub (lib/github_standin.mjs: github.com cannot be reached
// from here; the stand-in speaks the documented shapes of GitHub's OAuth endpoints and REST API, in GitHub
// Enterprise's layout, which is how Gatehouse is pointed at it: --login-url, --redeem-url, --validate-url).
// Full sign-ins through Gatehouse's real login flow: who may sign in by --github-org/--github-team/--github-user,
// the identity and groups taken from the API across several pages, and the refusals, each with its logged cause.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnGatehouse, freePort, waitForPort, cookieSecret, runGatehouse } from './lib/processes.mjs';
import { Browser } from './lib/browser.mjs';
import { startGithubStandin } from './lib/github_standin.mjs';

describe('--provider=github', () => {
  let gh, github, port;

  before(async () => {
    github = await startGithubStandin({ clientId: 'gh-client', clientSecret: 'gh-client-secret' });
    port = await freePort();
    gh = spawnGatehouse(['--provider=github', '--client-id=gh-client', '--client-secret=gh-client-secret',
      `--cookie-secret=${cookieSecret}`, '--email-domain=*', `--http-address=127.0.0.1:${port}`, '--workers=2',
      '--cookie-secure=false', '--set-xauthrequest', '--skip-provider-button',
      `--login-url=${github.url}/login/oauth/authorize`, `--redeem-url=${github.url}/login/oauth/access_token`,
      `--validate-url=${github.url}/api/v3/`, '--github-org=acme', '--github-team=platform,sre', '--github-user=hubot']);
    await waitForPort(port);
  });
  after(async () => { await gh?.stop(); await github?.stop(); });

  async function signIn(login) {
    github.signedIn = login;
    const browser = new Browser();
    const hops = await browser.follow(`http://127.0.0.1:${port}/oauth2/start?rd=%2Fafter`,
      { stopAt: (u) => u.endsWith('/after') });
    return { browser, callback: hops.at(-1) };
  }

  test('a member of the org and one of the teams signs in; user, verified primary e-mail and groups come from the API', async () => {
    const { browser, callback } = await signIn('octocat');
    assert.equal(callback.status, 302, callback.body);
    assert.equal(callback.location, `http://127.0.0.1:${port}/after`);
    assert.equal(github.seen.scopes.at(-1), 'user:email read:org', 'read:org is asked for when --github-org is set');
    const auth = await browser.get(`http://127.0.0.1:${port}/oauth2/auth`);
    assert.equal(auth.status, 202);
    assert.equal(auth.headers['x-auth-request-user'], 'octocat');
    assert.equal(auth.headers['x-auth-request-preferred-username'], 'octocat');
    assert.equal(auth.headers['x-auth-request-email'], 'octocat@acme.test', 'the primary address, not the first');
    // Three orgs and three teams, two to a page: every page was followed.
    assert.equal(auth.headers['x-auth-request-groups'], 'acme,octo-fans,spoon-knife,acme:platform,acme:dev,octo-fans:core');
    assert.ok(github.seen.apiCalls.filter((p) => p === '/user/orgs').length >= 2);
  });

  test('--github-user lets a login in whatever its orgs; others outside the teams are refused with the cause', async () => {
    const hubot = await signIn('hubot');
    assert.equal(hubot.callback.status, 302);
    const auth = await hubot.browser.get(`http://127.0.0.1:${port}/oauth2/auth`);
    assert.equal(auth.headers['x-auth-request-email'], 'hubot@robots.test');

    const monalisa = await signIn('monalisa');
    assert.equal(monalisa.callback.status, 403);
    assert.match(monalisa.callback.body, /Your account is not allowed to sign in here/);
    await gh.waitForOutput(/login: failed with 403: 'monalisa' is in none of --github-team in acme/);
    assert.equal((await monalisa.browser.get(`http://127.0.0.1:${port}/oauth2/auth`)).status, 401, 'no session was made');

    const nomail = await signIn('nomail');
    assert.equal(nomail.callback.status, 403);
    await gh.waitForOutput(/login: failed with 403: 'nomail' has no verified primary e-mail on GitHub/);
  });

  test('a code GitHub refuses (answered as 200 with an error) ends the login with 403 and the cause', async () => {
    github.clientSecret = 'rotated-at-github';
    try {
      const { callback } = await signIn('octocat');
      assert.equal(callback.status, 403);
      await gh.waitForOutput(/login: failed with 403: token endpoint refused: incorrect_client_credentials/);
    } finally {
      github.clientSecret = 'gh-client-secret';
    }
  });
});

// --github-repo without --github-org, as oauth2-proxy: with --github-token GitHub is asked who the collaborators
// are; without it the user's own access counts (push; pull too on a private repository).
describe('--provider=github --github-repo', () => {
  let github;
  const gatehouses = [];
  before(async () => {
    github = await startGithubStandin({ clientId: 'gh-client', clientSecret: 'gh-client-secret', repoToken: 'ghp_repo_token' });
  });
  after(async () => {
    for (const g of gatehouses) await g.stop();
    await github?.stop();
  });

  async function start(flags) {
    const port = await freePort();
    const g = spawnGatehouse(['--provider=github', '--client-id=gh-client', '--client-secret=gh-client-secret',
      `--cookie-secret=${cookieSecret}`, '--email-domain=*', `--http-address=127.0.0.1:${port}`, '--workers=1',
      '--cookie-secure=false', '--skip-provider-button', `--login-url=${github.url}/login/oauth/authorize`,
      `--redeem-url=${github.url}/login/oauth/access_token`, `--validate-url=${github.url}/api/v3/`, ...flags]);
    gatehouses.push(g);
    await waitForPort(port);
    return { g, port };
  }
  async function signIn(port, login) {
    github.signedIn = login;
    const hops = await new Browser().follow(`http://127.0.0.1:${port}/oauth2/start?rd=%2Fafter`, { stopAt: (u) => u.endsWith('/after') });
    return hops.at(-1);
  }

  test('with --github-token: GitHub\'s collaborators sign in, others are refused with the cause', async () => {
    const { g, port } = await start(['--github-repo=acme/public-site', '--github-token=ghp_repo_token']);
    assert.equal((await signIn(port, 'monalisa')).status, 302);
    assert.ok(github.seen.apiCalls.includes('/repos/acme/public-site/collaborators/monalisa'));
    assert.equal((await signIn(port, 'octocat')).status, 403);
    await g.waitForOutput(/login: failed with 403: 'octocat' is not a collaborator of --github-repo acme\/public-site/);
  });

  test('without a token: push access to a public repository counts, pull alone does not; pull counts on a private one', async () => {
    const open = await start(['--github-repo=acme/public-site', '--github-user=hubot']);
    assert.equal((await signIn(open.port, 'monalisa')).status, 302, 'monalisa may push');
    assert.equal((await signIn(open.port, 'octocat')).status, 403, 'everyone may pull from a public repository');
    await open.g.waitForOutput(/'octocat' has no push access to --github-repo acme\/public-site/);
    assert.equal((await signIn(open.port, 'hubot')).status, 302, '--github-user still lets its logins in');
    const closed = await start(['--github-repo=acme/private-app']);
    assert.equal((await signIn(closed.port, 'monalisa')).status, 302, 'pull on a private repository counts');
    assert.equal((await signIn(closed.port, 'hubot')).status, 403, 'a private repository hubot cannot see');
  });
});

describe('--provider=github settings', () => {
  test('GitHub needs no issuer and asks only user:email without --github-org; OIDC-only and wrong-provider flags are refused', async () => {
    const base = ['--provider=github', '--client-id=a', '--client-secret=b', `--cookie-secret=${cookieSecret}`,
      '--email-domain=*'];
    let r = await runGatehouse([...base, '--github-team=platform']);
    assert.equal(r.code, 2);
    assert.match(r.output, /^gatehouse: --github-team: needs --github-org \(teams are within it\)$/m);
    r = await runGatehouse([...base, '--oidc-issuer-url=https://github.com']);
    assert.match(r.output, /^gatehouse: --oidc-issuer-url: not used by --provider=github/m);
    r = await runGatehouse(['--provider=oidc', '--oidc-issuer-url=https://idp.example.com', '--client-id=a',
      '--client-secret=b', `--cookie-secret=${cookieSecret}`, '--email-domain=*', '--github-org=acme']);
    assert.equal(r.code, 2);
    assert.match(r.output, /^gatehouse: --github-org: only applies to --provider=github$/m);
  });
});
