// [guard] The differential check of issue 21: one table of original requests (method, host, path) — plain ones,
// tricky paths, tricky hosts — put to every door (nginx's /oauth2/auth with X-Original-*, straight and through
// nginx's README block and an ingress-nginx-style block; /oauth2/auth reading X-Forwarded-* on a second Gatehouse
// with --original-request-headers=x-forwarded; forward_auth with X-Forwarded-*, straight and through Caddy; Envoy's
// HTTP door; gRPC Check; reverse-proxy mode), each without and with client-added forwarded headers of every family,
// as bob (signed in, not in admins), alice (admins) and nobody. Every door must give the same verdict class (allow /
// sign-in / forbidden / refused) for the same request, the same as without the client's headers, and the one
// docs/security.md gives (the expected column).
//
// Left out, and why:
// - `#` in a path: a browser never sends one and nginx and Caddy cut or refuse it before asking; the doors that can
//   carry one are tested in guard_bypass.test.mjs (class 4).
// - no Host / two Hosts, and hosts the policy does not name: nginx and Caddy refuse the first themselves, and for the
//   second the auth doors apply the global rules while reverse-proxy mode refuses (docs/security.md,
//   "Reverse-proxy mode with a policy file"): guard_bypass.test.mjs, class 3.
// - A proxy that answers 4xx without asking Gatehouse (`proxy-refused`: nginx refuses some dot-segment paths) is left
//   out of the comparison for that request: the request never reaches the app.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startGuardStack, families, appHost } from './lib/guard_stack.mjs';
import { describeAnswer } from './lib/guard_assert.mjs';

// What each path is to the app (docs/security.md, "Paths as the app will see them").
const kinds = {
  admin: { bob: 'forbidden', alice: 'allow', nobody: 'sign-in' },
  public: { bob: 'allow', alice: 'allow', nobody: 'allow' },
  skip: { bob: 'allow', alice: 'allow', nobody: 'allow' },
  other: { bob: 'allow', alice: 'allow', nobody: 'sign-in' },
  refused: { bob: 'refused', alice: 'refused', nobody: 'refused' },
};

const table = [
  // plain
  ['GET', appHost, '/', 'other'],
  ['GET', appHost, '/reports?x=1', 'other'],
  ['GET', appHost, '/admin', 'admin'],
  ['GET', appHost, '/admin/users', 'admin'],
  ['POST', appHost, '/admin', 'admin'],
  ['OPTIONS', appHost, '/admin', 'skip'],
  ['GET', appHost, '/public/x', 'public'],
  ['GET', appHost, '/open/a/endpoint', 'skip'],
  ['GET', appHost, '/administrator', 'other'],
  // tricky paths: read alike by every server
  ['GET', appHost, '/%61dmin', 'admin'],
  ['GET', appHost, '/admin/x;y', 'admin'],
  ['GET', appHost, '/public/x;v=2', 'public'],
  ['GET', appHost, '/admin?/public/x', 'admin'],
  // tricky paths: no two servers read them alike, or their readings lead to different rules
  ['GET', appHost, '/admin;x', 'refused'],
  ['GET', appHost, '/ADMIN', 'refused'],
  ['GET', appHost, '/admin;x/y', 'refused'],
  ['GET', appHost, '/admin%3Bx', 'refused'],
  ['GET', appHost, '/public/../admin', 'refused'],
  ['GET', appHost, '/public/%2e%2e/admin', 'refused'],
  ['GET', appHost, '/public;/../admin', 'refused'],
  ['GET', appHost, '/public/..;/admin', 'refused'],
  ['GET', appHost, '//admin', 'refused'],
  ['GET', appHost, '/public%23/../admin', 'refused'],
  ['GET', appHost, '/public/..%2Fadmin', 'refused'],
  ['GET', appHost, '/public/..%5Cadmin', 'refused'],
  ['GET', appHost, '/admin/../public/x', 'refused'],
  ['GET', appHost, '/public;x/y', 'refused'],
  ['GET', appHost, '/open/secret%23/endpoint', 'refused'],
  ['GET', appHost, '/open/a/../../admin/endpoint', 'refused'],
  // tricky hosts
  ['GET', `${appHost}.`, '/admin', 'admin'],
  ['GET', 'APP.Example.TEST', '/admin', 'admin'],
  ['GET', `${appHost}:443`, '/admin', 'admin'],
  ['GET', `${appHost}.`, '/public/x', 'public'],
  ['GET', 'APP.EXAMPLE.TEST', '/admin;x', 'refused'],
];

const variants = {
  'no client forwarded headers': [],
  'client X-Original-*': families['x-original'],
  'client X-Forwarded-*': families['x-forwarded'],
  'client headers of every family': families.all,
};

describe('differential: every door, the same verdict for the same original request', () => {
  let stack;
  let xf;  // a second Gatehouse whose /oauth2/auth reads X-Forwarded-* (--original-request-headers=x-forwarded)
  let xfFailure;
  let doors;  // [stack, door]: each door is asked through the stack that owns it (its metrics tell the reason)
  before(async () => {
    stack = await startGuardStack();
    doors = Object.values(stack.doors).map((d) => [stack, d]);
    // A build without the flag still gets every other door compared; the missing door is reported as a failure.
    try {
      xf = await startGuardStack({ extraFlags: ['--original-request-headers=x-forwarded'], proxies: false });
      doors.push([xf, xf.doors['/oauth2/auth, x-forwarded reading (direct)']]);
    } catch (e) {
      xfFailure = `the x-forwarded Gatehouse did not start: ${e.message.split('\n').slice(0, 2).join(' ')}`;
    }
  });
  after(async () => {
    await stack?.stop();
    await xf?.stop();
  });

  for (const user of ['bob', 'alice', 'nobody']) {
    test(`as ${user}`, async (t) => {
      const problems = xfFailure ? [xfFailure] : [];
      const skipped = {};
      for (const [method, host, path, kind] of table) {
        const original = { method, host, path };
        const expected = [].concat(kinds[kind][user]);
        const label = `${method} ${host}${path}`;
        for (const [variant, extra] of Object.entries(variants)) {
          const answers = [];
          for (const [owner, door] of doors) {
            const r = await owner.verdict(door, original, { user, extra });
            if (r.verdict === 'proxy-refused') {  // never reached the app (see the header comment)
              (skipped[door.name] ??= []).push(`${variant}: ${label}`);
              continue;
            }
            answers.push([door.name, r]);
            if (!expected.includes(r.verdict))
              problems.push(`${door.name} · ${variant}: ${label} as ${user} → ${r.verdict} (${describeAnswer(r)}), expected ${expected.join(' or ')}`);
          }
          const classes = new Set(answers.map(([, r]) => r.verdict));
          if (classes.size > 1)
            problems.push(`doors disagree · ${variant}: ${label} as ${user}: ` +
              answers.map(([name, r]) => `${name}=${r.verdict}`).join(', '));
        }
      }
      for (const [name, list] of Object.entries(skipped)) t.diagnostic(`${name} refused by the proxy itself: ${list.join('; ')}`);
      // The comparison is not vacuous: a proxy that refuses most of the table would hide the doors behind it.
      for (const [name, list] of Object.entries(skipped))
        problems.push(...(list.length > table.length ? [`${name}: ${list.length} requests never reached Gatehouse`] : []));
      assert.deepEqual(problems, [], `${problems.length} disagreements:\n${problems.join('\n')}`);
    });
  }
});
