// RFC 9112 strictness of Gatehouse's own HTTP server, byte by byte over raw sockets: request framing that this
// server would not read exactly as a front proxy might (Transfer-Encoding other than a lone `chunked`), Host
// (missing, twice, malformed), the request-target's forms, and how long a silent new connection may stay open.
// Every refusal is answered, logged with its reason and followed by a closed connection: what the client sent after
// it is never read as a next request (request smuggling).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, mintCookie } from './lib/processes.mjs';
import { connect, get } from './lib/raw_http.mjs';

// Sends `text`, expects one answer of `status` and then the connection closed by the server.
async function refused(gh, text, status, reason) {
  const c = await connect(gh.port);
  c.write(text);
  const r = await c.responses(2, 3000);
  assert.equal(r.length, 1, `one answer only, got ${r.map((x) => x.status)}`);
  assert.equal(r[0].status, status);
  assert.equal(r[0].headers.connection, 'close');
  assert.equal(await c.waitClosed(), true, 'the server closes the connection');
  if (reason) await gh.waitForOutput(new RegExp(`rejected request: [^\\n]*${reason}[^\\n]* \\(${status}\\)`));
  return r[0];
}

describe('HTTP/1.1 strictness (RFC 9112)', () => {
  let gh;
  before(async () => {
    gh = await startGatehouse(['--set-xauthrequest', '--header-read-timeout=500ms', '--idle-timeout=120s']);
  });
  after(async () => { await gh?.stop(); });

  describe('Transfer-Encoding', () => {
    test('an unknown coding is 501, and the smuggled request behind its body is never answered', async () => {
      // Read as Content-Length 0 (today's bug), the body "0\r\n\r\n" + a GET would be served as a second request.
      const smuggled = get('/oauth2/auth', { Cookie: mintCookie({ user: 'smuggled' }) });
      const text = 'POST /oauth2/auth HTTP/1.1\r\nHost: app.example.test\r\nTransfer-Encoding: xchunked\r\n\r\n' +
        `0\r\n\r\n${smuggled}`;
      await refused(gh, text, 501, 'transfer coding not implemented');
      assert.doesNotMatch(gh.output, /smuggled/);
    });

    for (const coding of ['gzip', 'identity', 'chunked;x=1', 'xchunked']) {
      test(`Transfer-Encoding: ${coding} → 501 and close`, async () => {
        await refused(gh, `POST /oauth2/auth HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ${coding}\r\n\r\n0\r\n\r\n`, 501);
      });
    }

    for (const coding of ['chunked, identity', 'gzip, chunked', 'chunked, chunked']) {
      test(`stacked codings (${coding}) → 400 and close`, async () => {
        await refused(gh, `POST /oauth2/auth HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ${coding}\r\n\r\n0\r\n\r\n` +
          get('/ping'), 400, 'stacked transfer codings');
      });
    }

    test('two Transfer-Encoding lines → 400 and close', async () => {
      await refused(gh, 'POST /oauth2/auth HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n' +
        'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n' + get('/ping'), 400, 'two Transfer-Encoding lines');
    });

    test('Transfer-Encoding with Content-Length → 400 and close (either order)', async () => {
      // Beast lets an unknown coding before Content-Length through; the server's own check refuses it.
      await refused(gh, 'POST /oauth2/auth HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n' +
        'Content-Length: 5\r\n\r\nhello' + get('/ping'), 400, 'Transfer-Encoding together with Content-Length');
      // The other orders Beast refuses by itself, as bad framing.
      await refused(gh, 'POST /oauth2/auth HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n' +
        'Transfer-Encoding: chunked\r\n\r\nhello' + get('/ping'), 400);
      await refused(gh, 'POST /oauth2/auth HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n' +
        'Content-Length: 5\r\n\r\n0\r\n\r\n' + get('/ping'), 400);
    });

    test('a valid chunked body is read where a body is accepted (the back-channel logout)', async () => {
      const c = await connect(gh.port);
      c.write('POST /oauth2/backchannel_logout HTTP/1.1\r\nHost: a\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: Chunked\r\n\r\n' +
        '7\r\nnothing\r\n5\r\n=here\r\n0\r\n\r\n' + get('/ping'));
      const r = await c.responses(2);
      // The handler read the body: it answers its own 400 (no logout_token in it), not 413; the connection
      // then serves the next request.
      assert.deepEqual(r.map((x) => x.status), [400, 200]);
      assert.equal(JSON.parse(r[0].body).error, 'invalid_request');
      await gh.waitForOutput(/backchannel logout: refused: no logout_token/);
      c.close();
    });

    test('an empty chunked body passes where Content-Length: 0 does; one with data is 413 there', async () => {
      const c = await connect(gh.port);
      c.write('POST /oauth2/auth HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n' +
        'POST /oauth2/auth HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
      assert.deepEqual((await c.responses(2)).map((x) => x.status), [401, 401]);
      c.write('POST /oauth2/auth HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n');
      assert.equal((await c.responses(3))[2].status, 413);
      assert.equal(await c.waitClosed(), true);
    });

    test('trailer fields after a chunked body are refused (400): they never join the header fields', async () => {
      // Beast merges trailers into the header fields after the framing and Host checks ran: a trailer Cookie would
      // have signed the request in.
      const cookie = mintCookie({ user: 'from-a-trailer' });
      await refused(gh, 'POST /oauth2/auth HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n' +
        `0\r\nCookie: ${cookie}\r\n\r\n`, 400, 'trailer fields in a chunked body');
      assert.doesNotMatch(gh.output, /from-a-trailer/);
    });

    test('a chunked body larger than the body limit is refused as a Content-Length one is (413)', async () => {
      const big = 'a'.repeat(70 * 1024);
      const c = await connect(gh.port);
      c.write('POST /oauth2/backchannel_logout HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n' +
        `${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`);
      assert.equal((await c.responses(1))[0].status, 413);
      assert.equal(await c.waitClosed(), true);
    });
  });

  describe('Host', () => {
    test('HTTP/1.1 without Host → 400 and close', async () => {
      await refused(gh, 'GET /ping HTTP/1.1\r\n\r\n' + get('/ping'), 400, 'HTTP/1.1 request without Host');
    });

    test('HTTP/1.0 without Host is served', async () => {
      const c = await connect(gh.port);
      c.write('GET /ping HTTP/1.0\r\n\r\n');
      assert.equal((await c.responses(1))[0].status, 200);
      c.close();
    });

    test('two Host headers → 400 and close', async () => {
      await refused(gh, 'GET /oauth2/auth HTTP/1.1\r\nHost: app.example.test\r\nX-A: 1\r\n' +
        'Host: admin.example.test\r\n\r\n', 400, 'two Host headers');
    });

    for (const host of ['app example.test', 'user@app.example.test', 'app.example.test/x', 'app\\example.test',
      'app.example.test\x01', '[::1']) {
      test(`Host: ${JSON.stringify(host)} → 400 and close`, async () => {
        await refused(gh, `GET /oauth2/auth HTTP/1.1\r\nHost: ${host}\r\n\r\n`, 400);
      });
    }
  });

  describe('request-target forms', () => {
    test('absolute-form: the path is the URL\'s, so the route matches', async () => {
      const c = await connect(gh.port);
      c.write('GET http://app.example.test/ping?x=1 HTTP/1.1\r\nHost: other.example.test\r\n\r\n' +
        'GET HTTP://app.example.test/oauth2/auth HTTP/1.1\r\nHost: x\r\n\r\n');
      const r = await c.responses(2);
      assert.deepEqual(r.map((x) => x.status), [200, 401]);
      c.close();
    });

    for (const [line, reason] of [
      ['GET ftp://app.example.test/ping HTTP/1.1', 'scheme other than http'],
      ['GET http:///ping HTTP/1.1', 'absolute-form target without a valid authority'],
      ['GET http://u@app.example.test/ping HTTP/1.1', 'absolute-form target without a valid authority'],
      ['GET * HTTP/1.1', 'asterisk-form target on a method other than OPTIONS'],
      ['CONNECT app.example.test:443 HTTP/1.1', 'CONNECT is not supported'],
      ['GET app.example.test:443 HTTP/1.1', 'authority-form target outside CONNECT'],
    ]) {
      test(`${line} → 400 and close`, async () => {
        await refused(gh, `${line}\r\nHost: app.example.test\r\n\r\n`, 400, reason);
      });
    }
  });

  describe('HEAD and HTTP/1.0', () => {
    test('a HEAD answer has the Content-Length of the GET one and no body: the next answer on the connection starts clean', async () => {
      const c = await connect(gh.port);
      c.write('HEAD /ping HTTP/1.1\r\nHost: a\r\n\r\n' + get('/ping'));
      for (const deadline = Date.now() + 3000; (c.data.match(/HTTP\/1\.1 /g) ?? []).length < 2 && Date.now() < deadline;)
        await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 100));
      const [head, rest] = [c.data.slice(0, c.data.indexOf('\r\n\r\n') + 4), c.data.slice(c.data.indexOf('\r\n\r\n') + 4)];
      assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(head, /\r\nContent-Length: 2\r\n/i, 'the length of the GET answer ("OK")');
      assert.match(rest, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nOK$/, 'the next answer right after the head');
      c.close();
    });

    test('an HTTP/1.0 client that asks to keep the connection is told so, and served again on it', async () => {
      const c = await connect(gh.port);
      c.write('GET /ping HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
      const [first] = await c.responses(1);
      assert.equal(first.headers.connection, 'keep-alive');
      c.write('GET /ping HTTP/1.0\r\n\r\n');
      const r = await c.responses(2);
      assert.equal(r[1]?.status, 200);
      assert.equal(r[1].headers.connection, 'close', 'without the ask, the connection closes after the answer');
      assert.equal(await c.waitClosed(), true);
    });
  });

  describe('timeouts', () => {
    test('a new connection that sends nothing is closed after --header-read-timeout, not the idle timeout', async () => {
      const c = await connect(gh.port);
      const started = Date.now();
      assert.equal(await c.waitClosed(3000), true);
      const waited = Date.now() - started;
      assert.ok(waited >= 400 && waited < 2000, `closed after ${waited} ms`);
      await gh.waitForOutput(/closed connection: nothing received within 500 ms/);
    });

    test('a keep-alive connection between requests keeps the idle timeout', async () => {
      const c = await connect(gh.port);
      c.write(get('/ping'));
      assert.equal((await c.responses(1))[0].status, 200);
      await new Promise((r) => setTimeout(r, 1200));  // more than twice the header timeout
      assert.equal(c.closed, false);
      c.write(get('/ping'));
      assert.equal((await c.responses(2))[1].status, 200);
      c.close();
    });
  });
});
