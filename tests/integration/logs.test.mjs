// The three logs oauth2-proxy users know (standard, request, auth), in oauth2-proxy's default line formats,
// in the operator's own templates, or as JSON; the switches that silence them; --ping-user-agent; and SIGHUP,
// which re-reads the emails and policy files without closing a connection.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startGatehouse, runGatehouse, baseFlags, mintCookie, tempDir } from './lib/processes.mjs';
import { connect, get } from './lib/raw_http.mjs';

// oauth2-proxy's default request line: client - id - user [2006/01/02 15:04:05] host method upstream "uri" proto "ua" status size seconds
const requestLine = (user, uri, status) => new RegExp(
  `^127\\.0\\.0\\.1 - [A-Za-z0-9_.-]+ - ${user} \\[\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d\\] 127\\.0\\.0\\.1 GET - ` +
  `"${uri.replace(/[?.]/g, '\\$&')}" HTTP/1\\.1 "log-test/1\\.0" ${status} \\d+ \\d+\\.\\d{3}$`, 'm');

const lines = (output) => output.split('\n').filter((l) => l.length > 0);

async function exchange(port, requests) {
  const c = await connect(port);
  c.write(requests.map(([p, h]) => get(p, { 'User-Agent': 'log-test/1.0', ...h })).join(''));
  const responses = await c.responses(requests.length);
  c.close();
  return responses.map((r) => r.status);
}

describe('text logs (the default)', () => {
  test('request and auth lines in oauth2-proxy\'s default formats, standard lines as [time] [level] message', async () => {
    const gh = await startGatehouse(['--email-domain=example.com']);
    try {
      const alice = mintCookie({ user: 'alice', email: 'alice@example.com' });
      const eve = mintCookie({ user: 'eve', email: 'eve@elsewhere.org' });
      assert.deepEqual(await exchange(gh.port, [
        ['/oauth2/auth', { Cookie: alice }], ['/oauth2/auth', { 'X-Request-Id': 'req-401' }], ['/oauth2/auth', { Cookie: eve }],
        ['/ping', {}], ['/oauth2/callback?code=the-authorization-code&state=s', {}]]), [202, 401, 403, 200, 403]);
      await gh.waitForOutput(/"\/ping" HTTP\/1\.1/);
      await gh.waitForOutput(/callback/);
      assert.match(gh.output, requestLine('alice@example\\.com', '/oauth2/auth', 202));
      assert.match(gh.output, /^127\.0\.0\.1 - req-401 - - \[[^\]]+\] 127\.0\.0\.1 GET - "\/oauth2\/auth" HTTP\/1\.1 "log-test\/1\.0" 401 0 \d+\.\d{3}$/m);
      assert.match(gh.output, requestLine('eve@elsewhere\\.org', '/oauth2/auth', 403));
      assert.match(gh.output, requestLine('-', '/ping', 200));
      // The auth log says who, what and why, with the request id the request line carries.
      assert.match(gh.output, /^127\.0\.0\.1 - req-401 - - \[[^\]]+\] \[AuthFailure\] auth: status=401 reason="no session" client=127\.0\.0\.1 user="" email="" host="127\.0\.0\.1" path="\/oauth2\/auth"$/m);
      assert.match(gh.output, /^127\.0\.0\.1 - \S+ - eve@elsewhere\.org \[[^\]]+\] \[AuthFailure\] auth: status=403 reason="email domain not allowed" client=127\.0\.0\.1 user="eve" email="eve@elsewhere\.org"/m);
      assert.match(gh.output, /^\[\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\] \[info\] gatehouse \S+ listening on/m);
      // The authorization code in the callback's query is a credential: never written.
      assert.doesNotMatch(gh.output, /the-authorization-code/);
      assert.match(gh.output, /GET - "<callback, query withheld>" HTTP\/1\.1/);
      // Allowed requests are in the request log only; the auth log is for refusals and sign-ins.
      assert.doesNotMatch(gh.output, /\[AuthSuccess\] auth:/);
    } finally {
      await gh.stop();
    }
  });

  test('--silence-ping-logging, --exclude-logging-path, --request-logging=false, --auth-logging=false, --standard-logging=false', async () => {
    const gh = await startGatehouse(['--silence-ping-logging', '--exclude-logging-path=/oauth2/sign_in',
      '--auth-logging=false', '--standard-logging=false']);
    try {
      assert.deepEqual(await exchange(gh.port, [['/ping', {}], ['/ready', {}], ['/oauth2/sign_in', {}], ['/oauth2/auth', {}]]),
        [200, 503, 200, 401]);
      await gh.waitForOutput(/"\/oauth2\/auth" HTTP\/1\.1 "log-test\/1\.0" 401/);
      assert.doesNotMatch(gh.output, /"\/ping"|"\/ready"|"\/oauth2\/sign_in"/);
      assert.doesNotMatch(gh.output, /AuthFailure|reason=/);
      assert.doesNotMatch(gh.output, /\[info\]/);          // standard lines: warnings and errors only
      assert.match(gh.output, /\[warning\] oidc: discovery failed/);
    } finally {
      await gh.stop();
    }
    const quiet = await startGatehouse(['--request-logging=false']);
    try {
      assert.deepEqual(await exchange(quiet.port, [['/oauth2/auth', {}]]), [401]);
      await quiet.waitForOutput(/\[AuthFailure\] auth: status=401/);
      assert.doesNotMatch(quiet.output, /"\/oauth2\/auth" HTTP\/1\.1/);
    } finally {
      await quiet.stop();
    }
  });

  test('the operator\'s own --request-logging-format and --auth-logging-format', async () => {
    const gh = await startGatehouse(['--request-logging-format=REQ {{.StatusCode}} {{.RequestMethod}} {{.RequestURI}} by {{.Username}}',
      '--auth-logging-format=AUTH [{{ .Status }}] {{.Username}}: {{.Message}}']);
    try {
      await exchange(gh.port, [['/oauth2/auth', { Cookie: mintCookie({ user: 'bob', email: 'bob@example.com' }) }], ['/oauth2/auth', {}]]);
      await gh.waitForOutput(/^REQ 401 GET "\/oauth2\/auth" by -$/m);
      assert.match(gh.output, /^REQ 202 GET "\/oauth2\/auth" by bob@example\.com$/m);
      assert.match(gh.output, /^AUTH \[AuthFailure\] -: auth: status=401 reason="no session"/m);
    } finally {
      await gh.stop();
    }
  });

  test('a template with an unknown field or action is a one-line configuration error', async () => {
    let r = await runGatehouse([...baseFlags(1), '--request-logging-format={{.Client}} {{.Nope}}']);
    assert.equal(r.code, 2);
    assert.match(r.output, /^gatehouse: --request-logging-format: unknown field \{\{\.Nope\}\}; known: Client, RequestID/);
    assert.equal(lines(r.output).length, 1);
    r = await runGatehouse([...baseFlags(1), '--auth-logging-format={{if .Username}}x{{end}}']);
    assert.equal(r.code, 2);
    assert.match(r.output, /^gatehouse: --auth-logging-format: \{\{if \.Username\}\} is not a field reference/);
    r = await runGatehouse([...baseFlags(1), '--logging-format=xml']);
    assert.equal(r.code, 2);
    assert.equal(r.output, "gatehouse: --logging-format: 'xml' must be text or json\n");
  });
});

describe('--logging-format=json', () => {
  test('every line is one JSON object; request and auth lines carry their fields', async () => {
    const gh = await startGatehouse(['--logging-format=json', '--email-domain=example.com']);
    try {
      const eve = mintCookie({ user: 'eve', email: 'eve@elsewhere.org' });
      // A header with a quote and bytes that are not UTF-8 must not break the line.
      await exchange(gh.port, [['/oauth2/auth', { 'X-Request-Id': 'json-1', 'X-Test': 'x' }], ['/oauth2/auth', { Cookie: eve }],
        ['/ping', {}]]);
      const c = await connect(gh.port);
      // (The quote rides in the query: a Host with one is refused before any handler, RFC 9112.)
      c.socket.write(Buffer.concat([Buffer.from('GET /ping?q=a"b HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: '), Buffer.from([0xff, 0xfe, 0x41]),
        Buffer.from('\r\n\r\n')]));
      await c.responses(1);
      c.close();
      await gh.waitForOutput(/"user_agent":"\\ufffd\\ufffdA/);
      const objects = lines(gh.output).map((l) => JSON.parse(l));  // throws on any line that is not JSON
      const request = objects.find((o) => o.log === 'request' && o.request_id === 'json-1');
      assert.equal(request.status, 401);
      assert.equal(request.method, 'GET');
      assert.equal(request.uri, '/oauth2/auth');
      assert.equal(request.protocol, 'HTTP/1.1');
      assert.equal(request.user_agent, 'log-test/1.0');
      assert.equal(request.client, '127.0.0.1');
      assert.equal(typeof request.duration, 'number');
      assert.match(request.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const refused = objects.find((o) => o.log === 'auth' && o.http_status === 403);
      assert.equal(refused.status, 'AuthFailure');
      assert.equal(refused.user, 'eve@elsewhere.org');
      assert.equal(refused.reason, 'email_domain_not_allowed');
      assert.equal(refused.path, '/oauth2/auth');
      const unsigned = objects.find((o) => o.log === 'auth' && o.request_id === 'json-1');
      assert.equal(unsigned.reason, 'no_session');
      assert.ok(objects.some((o) => o.log === 'standard' && o.level === 'info' && /listening on/.test(o.msg)));
      assert.ok(objects.some((o) => o.log === 'request' && o.uri === '/ping?q=a"b'));
    } finally {
      await gh.stop();
    }
  });
});

describe('--ping-user-agent', () => {
  // oauth2-proxy CVE-2026-34457: its health-check User-Agent was answered as a successful check on any path, which an
  // auth_request caller reads as "allowed". Here the User-Agent answers only on --ping-path: everywhere else the
  // request is decided like any other (and logged like any other: an attacker could borrow the User-Agent).
  test('a load balancer\'s health check is answered on --ping-path only, and grants nothing anywhere else', async () => {
    const gh = await startGatehouse(['--ping-user-agent=GoogleHC/1.0', '--silence-ping-logging']);
    try {
      const hc = { 'User-Agent': 'GoogleHC/1.0' };
      const c = await connect(gh.port);
      c.write(get('/ping', hc) + get('/healthz', hc) + get('/oauth2/auth', hc) + get('/oauth2/forward_auth', hc) + get('/'));
      const r = await c.responses(5);
      c.close();
      assert.deepEqual(r.map((x) => x.status), [200, 403, 401, 302, 403]);  // 403: the sign-in page
      assert.equal(r[0].body, 'OK');
      assert.doesNotMatch(r[1].body, /^OK$/);
      await gh.waitForOutput(/"\/oauth2\/forward_auth"/);
      assert.doesNotMatch(gh.output, /"\/ping"/);  // silenced
    } finally {
      await gh.stop();
    }
  });
});

describe('SIGHUP', () => {
  test('re-reads the emails file at once, even when its size and time look unchanged, without closing a connection', async () => {
    const dir = tempDir('gatehouse-hup-');
    const emails = path.join(dir, 'emails.txt');
    fs.writeFileSync(emails, 'alice@example.com\n');
    const stamp = new Date('2026-01-01T00:00:00Z');
    fs.utimesSync(emails, stamp, stamp);
    const gh = await startGatehouse([`--authenticated-emails-file=${emails}`, '--email-domain=nowhere.invalid']);
    try {
      const bobby = mintCookie({ user: 'bobby', email: 'bobby@example.com' });
      const c = await connect(gh.port);
      c.write(get('/oauth2/auth', { Cookie: bobby }));
      assert.deepEqual((await c.responses(1)).map((x) => x.status), [403]);
      // Same length, same modification time: the once-a-second check cannot see this change.
      fs.writeFileSync(emails, 'bobby@example.com\n');
      fs.utimesSync(emails, stamp, stamp);
      await new Promise((r) => setTimeout(r, 1500));
      c.write(get('/oauth2/auth', { Cookie: bobby }));
      assert.deepEqual((await c.responses(2)).map((x) => x.status), [403, 403]);
      process.kill(gh.pid, 'SIGHUP');
      await gh.waitForOutput(/\[info\] SIGHUP: reloaded .*emails\.txt/);
      c.write(get('/oauth2/auth', { Cookie: bobby }));
      assert.deepEqual((await c.responses(3)).map((x) => x.status), [403, 403, 202]);
      assert.equal(c.closed, false);  // the same keep-alive connection throughout
      c.close();
      // A file that cannot be read keeps the previous version.
      fs.rmSync(emails);
      process.kill(gh.pid, 'SIGHUP');
      await gh.waitForOutput(/\[warning\] SIGHUP: --authenticated-emails-file: cannot read .*; keeping the previous version/);
      assert.deepEqual(await exchange(gh.port, [['/oauth2/auth', { Cookie: bobby }]]), [202]);
    } finally {
      await gh.stop();
    }
  });

  test('without files to re-read, SIGHUP is logged and Gatehouse keeps serving', async () => {
    const gh = await startGatehouse();
    try {
      process.kill(gh.pid, 'SIGHUP');
      await gh.waitForOutput(/received SIGHUP: no --authenticated-emails-file, --policy-file or --htpasswd-file to re-read/);
      assert.deepEqual(await exchange(gh.port, [['/ping', {}]]), [200]);
    } finally {
      await gh.stop();
    }
  });
});
