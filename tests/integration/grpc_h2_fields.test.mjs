// Request header blocks HTTP/2 calls malformed (RFC 9113 §8.2-8.3) on the gRPC port: each is sent with raw frames
// (lib/h2_frames.mjs) as no client library would, and must be refused before the gate judges anything, with a log
// line that says why; the connection then still serves a well-formed Check. The refusal is a whole answer
// (Trailers-Only, :status 400, grpc-status 13 INTERNAL), then RST_STREAM NO_ERROR if the client was still sending:
// a bare RST_STREAM PROTOCOL_ERROR had nginx's grpc_pass take the server out of its upstreams (D26-F3). The
// server checks these fields itself (http/h2_request_fields), not nghttp2, and more strictly: a field nghttp2
// would have dropped and served the request without (a name that is not a token, a value with a control byte)
// refuses the request here. Then the same header blocks through real Caddy (reverse_proxy h2c://), which refuses or
// rewrites them: what reaches Gatehouse from it is well-formed, and no malformed request is ever allowed.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, freePort, mintCookie } from './lib/processes.mjs';
import { envoyWireCheckRequest } from './lib/ext_authz_client.mjs';
import { startCaddyReverseProxy } from './lib/caddy_reverse_proxy.mjs';
import {
  RawH2, Type, Flag, frame, encodeHeaders, hpackWithIndexing, dataFrames, grpcFrame, grpcMessageOf, checkVerdict,
} from './lib/h2_frames.mjs';

const CHECK = '/envoy.service.auth.v3.Authorization/Check';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A well-formed call's fields, as Envoy sends them.
const call = () => [[':method', 'POST'], [':scheme', 'http'], [':path', CHECK], [':authority', 'ext-authz'],
  ['content-type', 'application/grpc'], ['te', 'trailers'], ['x-request-id', 'fields-test']];
const withField = (name, value) => [...call(), [name, value]];
const without = (name) => call().filter(([n]) => n !== name);
const replaced = (name, value) => call().map(([n, v]) => [n, n === name ? value : v]);

// [what, header fields, the reason logged]
const malformed = [
  ['a field name in upper case', withField('X-Forwarded-Email', 'admin@example.com'), "field name 'X-Forwarded-Email' is not a token in lower case"],
  ['a field name with a space', withField('x forwarded', '1'), "field name 'x forwarded' is not a token in lower case"],
  ['a field name with a colon inside', withField('x:user', 'admin'), "field name 'x:user' is not a token in lower case"],
  ['a field with an empty name', withField('', 'x'), 'a field with an empty name'],
  ['a value with CR LF', withField('x-a', 'a\r\nx-injected: 1'), "field 'x-a' has a control byte in its value, or white space at its ends"],
  ['a value with NUL', withField('x-a', 'a\0b'), "field 'x-a' has a control byte in its value, or white space at its ends"],
  ['a value with a leading space', withField('x-a', ' a'), "field 'x-a' has a control byte in its value, or white space at its ends"],
  ['connection', withField('connection', 'close'), "connection-specific field 'connection'"],
  ['transfer-encoding', withField('transfer-encoding', 'chunked'), "connection-specific field 'transfer-encoding'"],
  ['upgrade', withField('upgrade', 'h2c'), "connection-specific field 'upgrade'"],
  ['te: gzip', replaced('te', 'gzip'), 'te other than "trailers"'],
  ['a pseudo-header field after a regular one', [...without(':authority'), [':authority', 'ext-authz']], "pseudo-header field ':authority' after a regular field"],
  [':path twice', [[':path', '/grpc.health.v1.Health/Check'], ...call()], "pseudo-header field ':path' twice"],
  ['an unknown pseudo-header field', [[':protocol', 'websocket'], ...call()], "':protocol' is not a request's pseudo-header field"],
  [':status in a request', [[':status', '200'], ...call()], "':status' is not a request's pseudo-header field"],
  ['no :scheme', without(':scheme'), 'no :method, :scheme or :path'],
  ['no :path', without(':path'), 'no :method, :scheme or :path'],
  ['neither :authority nor host', without(':authority'), 'neither :authority nor host'],
  ['a :path that is not absolute', replaced(':path', CHECK.slice(1)), "pseudo-header field ':path' has an invalid value"],
  ['a :method with a space', replaced(':method', 'PO ST'), "pseudo-header field ':method' has an invalid value"],
  ['an empty :authority', replaced(':authority', ''), "pseudo-header field ':authority' has an invalid value"],
  ['host twice', [...without(':authority'), ['host', 'a'], ['host', 'b']], 'host twice'],
  ['content-length twice', [...call(), ['content-length', '5'], ['content-length', '5']], 'content-length twice'],
  ['content-length not a number', withField('content-length', '0x10'), 'content-length is not a number'],
];

describe('gRPC port: request header blocks HTTP/2 calls malformed', () => {
  let gh;
  let port;
  let body;  // a whole CheckRequest for a signed-in user, with its gRPC prefix

  before(async () => {
    port = await freePort();
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com']);
    await gh.waitForOutput(/gRPC ext_authz and health on 127\.0\.0\.1:\d+ \(h2c\)/);
    body = grpcFrame(envoyWireCheckRequest({ host: 'app.example.com', path: '/private', cookie: mintCookie({ user: 'alice', email: 'alice@example.com' }) }));
  });
  after(async () => { await gh?.stop(); });

  // Request log lines for the signed-in user's Checks after `mark`: one per call the gate judged. Waits for the
  // well-formed call's line (written once it is answered), then a little for any other.
  const judged = async (mark) => {
    const count = () => gh.output.slice(mark).split('\n').filter((l) => / alice@example\.com .* gRPC /.test(l)).length;
    for (let i = 0; i < 150 && count() === 0; i++) await sleep(20);
    await sleep(50);
    return count();
  };
  const waitForLog = async (mark, text) => {
    for (let i = 0; i < 150 && !gh.output.slice(mark).includes(text); i++) await sleep(20);
    assert.ok(gh.output.slice(mark).includes(text), `no log line with ${text}; got:\n${gh.output.slice(mark)}`);
  };
  // The connection goes on: a well-formed Check on stream 3 is allowed.
  const stillServes = async (c) => {
    c.call(3, body);
    const answer = await c.stream(3);
    assert.equal(answer.trailers?.['grpc-status'], '0', c.summary());
    assert.equal(checkVerdict(grpcMessageOf(answer.data)).kind, 'ok');
  };
  const assertRefused = (answer, why) => {
    assert.equal(answer.frames[0].typeName, 'HEADERS', 'an answer first');
    assert.ok(answer.frames[0].flags & Flag.END_STREAM, 'one header block ends the stream (Trailers-Only)');
    assert.ok(answer.frames.slice(1).every((f) => f.typeName === 'RST_STREAM' && f.errorName === 'NO_ERROR'),
      answer.frames.map((f) => f.typeName).join(' '));
    assert.equal(answer.headers[':status'], '400');
    assert.equal(answer.headers['content-type'], 'application/grpc');
    assert.equal(answer.grpcStatus, '13');
    assert.ok(answer.grpcMessage.startsWith('malformed HTTP/2 request: '), answer.grpcMessage);
    if (!why.includes('\\') && !why.includes('"')) assert.equal(answer.grpcMessage, `malformed HTTP/2 request: ${why}`);
  };

  // `send(c)` sends stream 1's malformed request on a new connection: it is refused (assertRefused), logged with
  // `why`, never judged, and the connection then serves a well-formed Check.
  const refusedThenServes = async (send, why) => {
    const mark = gh.output.length;
    const c = await RawH2.connect(port);
    try {
      send(c);
      assertRefused(await c.stream(1), why);
      await waitForLog(mark, `refused stream 1 of a gRPC connection from 127.0.0.1: a malformed request (${why})`);
      await stillServes(c);
      assert.equal(await judged(mark), 1, 'only the well-formed call reached the gate');
    } finally {
      c.destroy();
    }
  };

  for (const [what, fields, why] of malformed) {
    test(`${what}: refused (400, grpc-status 13), not judged, logged`, async () => {
      await refusedThenServes((c) => c.call(1, body, fields), why);
    });
  }

  test('a body longer or shorter than its content-length: refused, not judged', async () => {
    for (const [declared, why] of [[body.length - 1, 'a body longer than its content-length'],
      [body.length + 1, 'a body shorter than its content-length']])
      await refusedThenServes((c) => c.call(1, body, withField('content-length', String(declared))), why);
    // The right length is served.
    const mark = gh.output.length;
    const c = await RawH2.connect(port);
    c.call(1, body, withField('content-length', String(body.length)));
    assert.equal((await c.stream(1)).trailers?.['grpc-status'], '0');
    assert.equal(await judged(mark), 1);
    c.destroy();
  });

  test('trailers that do not end the stream, and a pseudo-header field in trailers: refused', async () => {
    for (const [trailers, endStream, why] of [[[['x-checksum', '1']], false, 'trailers that do not end the stream'],
      [[[':path', '/x']], true, "pseudo-header field ':path' in trailers"]]) {
      await refusedThenServes((c) => c.send(frame(Type.HEADERS, Flag.END_HEADERS, 1, encodeHeaders(call())),
        ...dataFrames(1, body),
        frame(Type.HEADERS, Flag.END_HEADERS | (endStream ? Flag.END_STREAM : 0), 1, encodeHeaders(trailers))), why);
    }
  });

  // A field HPACK repeats by reference (one byte, its table entry) is not scanned again, but the rules that count
  // fields still apply to it (D26-F4's fix must not open these).
  test('fields repeated by HPACK reference: a second host, a pseudo-header field in trailers: refused', async () => {
    const indexed = hpackWithIndexing;  // inserted at index 62
    const reference = Buffer.from([0xbe]);  // index 62
    const noAuthority = without(':authority');
    await refusedThenServes((c) => c.send(frame(Type.HEADERS, Flag.END_HEADERS, 1,
      Buffer.concat([encodeHeaders(noAuthority), indexed('host', 'ext-authz'), reference])), ...dataFrames(1, body, { endStream: true })),
    'host twice');
    await refusedThenServes((c) => c.send(frame(Type.HEADERS, Flag.END_HEADERS, 1,
      Buffer.concat([encodeHeaders(call().slice(0, 3)), indexed(':authority', 'ext-authz'), encodeHeaders(call().slice(4))])),
    ...dataFrames(1, body), frame(Type.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 1, reference)),
    "pseudo-header field ':authority' in trailers");
  });

  test('well-formed variants are served: host for :authority, te in capitals, obs-text and inner tabs in a value', async () => {
    const variants = [[...without(':authority'), ['host', 'ext-authz:9001']], replaced('te', 'Trailers'),
      withField('x-note', 'caf\u00e9\tau lait')];
    for (const fields of variants) {
      const mark = gh.output.length;
      const c = await RawH2.connect(port);
      c.call(1, body, fields);
      const answer = await c.stream(1);
      assert.equal(answer.trailers?.['grpc-status'], '0', `${JSON.stringify(fields)}: ${c.summary()}`);
      assert.equal(await judged(mark), 1);
      c.destroy();
    }
  });

  describe('through Caddy (reverse_proxy h2c://)', () => {
    let caddy;
    let caddyPort;

    before(async () => {
      caddyPort = await freePort();
      caddy = await startCaddyReverseProxy(caddyPort, `h2c://127.0.0.1:${port}`);
    });
    after(async () => { await caddy?.stop(); });

    // Found when written: Go's HTTP/2 server (in Caddy) refuses most of these itself, rewrites a few into
    // well-formed requests (it supplies :authority, keeps one host), and passes two on as they came (a value with a
    // leading space, a :method with a space): Gatehouse refuses those, and Caddy passes its answer (400) on.
    const rewrittenByCaddy = ['neither :authority nor host', 'an empty :authority', 'host twice'];
    const passedOnByCaddy = ['a value with a leading space', 'a :method with a space'];

    test('each malformed header block is refused by Caddy, or by Gatehouse (400), or rewritten well-formed', async () => {
      const outcomes = {};
      for (const [what, fields, why] of malformed) {
        const mark = gh.output.length;
        const c = await RawH2.connect(caddyPort);
        try {
          c.call(1, body, fields);
          // Caddy's own refusal (the connection ended, the stream reset, or an HTTP error), or Gatehouse's answer to
          // the request Caddy made of it.
          try {
            const answer = await c.stream(1, 5000);
            const grpcAnswer = answer.headers?.['content-type'] === 'application/grpc' && answer.data.length > 5;
            const verdict = grpcAnswer ? checkVerdict(grpcMessageOf(answer.data)).kind : '';
            outcomes[what] = answer.rst ? `reset ${answer.rst}` : `:status ${answer.headers?.[':status']} ${verdict}`.trim();
          } catch {
            outcomes[what] = `connection ended: ${c.summary()}`;
          }
          await sleep(50);
          const refusedHere = gh.output.slice(mark).includes(`a malformed request (${why})`);
          if (passedOnByCaddy.includes(what)) {
            assert.ok(refusedHere, `${what}: Gatehouse refuses it (${outcomes[what]})`);
            assert.equal(outcomes[what], ':status 400', what);
          } else {
            assert.ok(!refusedHere, `${what}: Caddy refused or rewrote it, so Gatehouse saw no malformed block`);
          }
          if (rewrittenByCaddy.includes(what)) assert.equal(outcomes[what], ':status 200 ok', what);
          else assert.doesNotMatch(outcomes[what], /^:status 200/, `${what}: never allowed as sent`);
        } finally {
          c.destroy();
        }
      }
    });
  });
});
