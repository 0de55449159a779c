// The d23 cold attack on the oauth2-proxy compatibility behaviour (custom templates, X-Forwarded-* redirects,
// JWT in Basic, alpha-config header injection, 414/431). Findings assert the SAFE outcome and fail on main as of
// 31ae439: D23-F1, D23-F2, D23-F3, D23-F4. The `held` block passes.
// Run: GATEHOUSE_BUILD_DIR=/work/main/build node --test tests/integration/attack/d23_findings.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProbe, raw } from './d23_probe.mjs';
import { mintCookie } from '../lib/processes.mjs';

// An operator's error.html with ordinary JavaScript: a regex literal holding "//" or a quote before a value.
const tpl = `{{define "error.html"}}<!doctype html><html><head><title>t</title>
<script>var re = /https?:\\/\\//; var id = "{{.RequestID}}";</script>
<script>var q = name.replace(/'/g, ''); var id2 = {{.RequestID}};</script>
</head><body><svg><a xlink:href="{{.Message}}"><text>x</text></a></svg></body></html>{{end}}`;

describe('d23 cold attack', () => {
  let s;
  before(async () => { s = await startProbe({ template: { 'error.html': tpl }, flags: ['--max-header-bytes=4096'] }); });
  after(async () => { await s?.stop(); });

  it('D23-F1: a value after a regex literal in <script> stays inside its JS string (escaper follows regex literals)', async () => {
    const r = await raw(s.port, ['GET /oauth2/callback?error=x HTTP/1.1', 'Host: app.example.com', 'X-Request-Id: alert.call']);
    assert.equal(r.status, 403);
    // Found: `var id = ""alert.call"";` (the string closes, the id is code) and `var id2 = alert.call;` (no quotes).
    assert.doesNotMatch(r.body, /var id = ""alert\.call""/, 'value inserted as a quoted literal inside an open string');
    assert.doesNotMatch(r.body, /var id2 = alert\.call;/, 'value inserted as bare JavaScript code');
  });

  it('D23-F2: xlink:href is a URL attribute (javascript: becomes #ZgotmplZ, as Go strips the namespace)', async () => {
    const r = await raw(s.port, [`GET /oauth2/callback?error=${encodeURIComponent('x')} HTTP/1.1`, 'Host: app.example.com']);
    // The message has a fixed prefix, so check the attribute kind through the filter: a Message always starts with
    // "The identity provider", so show the kind with a direct check of the rendered attribute: it must be URL-normalised
    // (spaces percent-encoded) as href is.
    assert.match(r.body, /xlink:href="The%20identity/, 'xlink:href treated as plain text, not as a URL');
  });

  it('D23-F3: with --alpha-config, a client Authorization: Basic admin:<JWT> does not reach the app as it is', async () => {
    const tok = await s.idp.clientCredentialsToken('machine', 'msec');
    const basic = Buffer.from(`admin:${tok}`).toString('base64');
    const r = await raw(s.port, ['GET /x HTTP/1.1', 'Host: app.example.com', `Authorization: Basic ${basic}`]);
    assert.equal(r.status, 200);
    const app = JSON.parse(r.body);
    assert.equal(app.headers['x-remote-user'], 'robot@sub.example.com');
    assert.notEqual(app.headers.authorization, `Basic ${basic}`, 'the app sees user "admin" in Basic while Gatehouse saw robot');
  });

  it('D23-F4: an absolute return target from X-Forwarded-Uri obeys the same path rules as a relative one', async () => {
    for (const uri of ['/a/..//evil.com', '/%5c%5cevil.com']) {
      const r = await raw(s.port, ['GET /oauth2/sign_in HTTP/1.1', 'Host: gh.example.com', 'X-Forwarded-Host: a.example.com',
        'X-Forwarded-Proto: https', `X-Forwarded-Uri: ${uri}`]);
      assert.match(r.body, /start\?rd=%2F"/, `${uri} accepted inside an absolute URL`);
    }
  });

  describe('held', () => {
    it('return targets: rd, X-Auth-Request-Redirect and X-Forwarded-* refuse other hosts', async () => {
      const cases = [
        ['/oauth2/sign_in?rd=%2F%2Fevil.com'], ['/oauth2/sign_in?rd=https%3A%2F%2Fevil.com%23.example.com'],
        ['/oauth2/sign_in', 'X-Forwarded-Host: evil.com', 'X-Forwarded-Proto: https', 'X-Forwarded-Uri: /p'],
        ['/oauth2/sign_in', 'X-Forwarded-Host: a.example.com:8443', 'X-Forwarded-Proto: https', 'X-Forwarded-Uri: /p'],
        ['/oauth2/sign_in', 'X-Forwarded-Uri: /%5c%5cevil.com'],
        ['/oauth2/sign_in', 'X-Forwarded-Host: evil.com@a.example.com', 'X-Forwarded-Proto: https', 'X-Forwarded-Uri: /'],
        ['/oauth2/sign_in', 'X-Forwarded-Host: a.example.com', 'X-Forwarded-Proto: javascript', 'X-Forwarded-Uri: /'],
        ['/oauth2/sign_in', 'X-Forwarded-Host: a.example.com', 'X-Forwarded-Host: evil.com', 'X-Forwarded-Proto: https', 'X-Forwarded-Uri: /'],
        ['/oauth2/sign_in', 'X-Auth-Request-Redirect: https://evil.com'],
      ];
      for (const [target, ...h] of cases) {
        const r = await raw(s.port, [`GET ${target} HTTP/1.1`, 'Host: gh.example.com', ...h]);
        assert.match(r.body, /start\?rd=%2F"/, JSON.stringify([target, ...h]));
      }
    });

    it('escaping: values in text, href, onclick, title are escaped; javascript: in href filtered', async () => {
      const r = await raw(s.port, [`GET /oauth2/callback?error=${encodeURIComponent('</script><script>alert(1)</script>')} HTTP/1.1`, 'Host: app.example.com']);
      assert.doesNotMatch(r.body, /<script>alert/);
    });

    it('alpha injectRequestHeaders: the client copy and look-alikes are removed', async () => {
      const c = mintCookie({ user: 'bob', email: 'bob@sub.example.com', groups: 'dev' });
      const r = await raw(s.port, ['GET /x HTTP/1.1', 'Host: app.example.com', `Cookie: ${c}`, 'X-Remote-User: admin@example.com',
        'X_Remote_User: a2', 'X.Remote.User: a3', 'x-remote-user: a4', 'X-REMOTE_groups: admins', 'X-Forwarded-User: a7', 'X-Auth-Request-Email: a8']);
      const h = JSON.parse(r.body).headers;
      assert.equal(h['x-remote-user'], 'bob@sub.example.com');
      assert.equal(h['x-remote-groups'], 'dev');
      for (const k of ['x_remote_user', 'x.remote.user', 'x-remote_groups', 'x-forwarded-user', 'x-auth-request-email']) assert.equal(h[k], undefined, k);
    });

    it('JWT in Basic: both halves refused, repeated Authorization refused, 414 and 431 answered, still alive', async () => {
      const tok = await s.idp.clientCredentialsToken('machine', 'msec');
      const b64 = (x) => Buffer.from(x).toString('base64');
      assert.notEqual((await raw(s.port, ['GET /x HTTP/1.1', 'Host: app.example.com', `Authorization: Basic ${b64(`${tok}:${tok}`)}`])).status, 200);
      assert.equal((await raw(s.port, ['GET /x HTTP/1.1', 'Host: app.example.com', `Authorization: Bearer ${tok}`, `Authorization: Basic ${b64('a:b')}`])).status, 400);
      assert.equal((await raw(s.port, [`GET /${'a'.repeat(20000)} HTTP/1.1`, 'Host: app.example.com'])).status, 414);
      assert.equal((await raw(s.port, ['GET / HTTP/1.1', 'Host: app.example.com', `X-A: ${'b'.repeat(5000)}`])).status, 431);
      assert.equal((await raw(s.port, ['GET /ready HTTP/1.1', 'Host: app.example.com'])).status, 200);
    });
  });
});
