// Secrets from files, cookie-secret rotation, and the log check that runs after the suite.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startGatehouse, runGatehouse, baseFlags, mintBin, cookieSecret, tempDir } from './lib/processes.mjs';
import { connect, get } from './lib/raw_http.mjs';
import { findLeaks } from './check_logs_for_secrets.mjs';

// A session cookie sealed with `secret` (base64 of 32 random bytes).
const cookieUnder = (secret, user) =>
  execFileSync(mintBin, [`--cookie-secret=${secret}`, `--user=${user}`], { encoding: 'utf8' }).trim();
const newSecret = () => crypto.randomBytes(32).toString('base64');

async function authStatus(port, cookie) {
  const c = await connect(port);
  c.write(get('/oauth2/auth', { Cookie: cookie }));
  const [r] = await c.responses(1);
  c.close();
  return r;
}


describe('cookie secrets', () => {
  test('--cookie-secret-file: the secret comes from a file (its trailing newline ignored)', async () => {
    const dir = tempDir('secret');
    const file = path.join(dir, 'cookie-secret');
    fs.writeFileSync(file, `${cookieSecret}\n`, { mode: 0o600 });
    const gh = await startGatehouse(['--set-xauthrequest', `--cookie-secret-file=${file}`]);
    try {
      const r = await authStatus(gh.port, cookieUnder(cookieSecret, 'from-file'));
      assert.equal(r.status, 202);
      assert.equal(r.headers['x-auth-request-user'], 'from-file');
    } finally {
      await gh.stop();
    }
  });

  test('rotation: the new secret issues sessions, --cookie-secret-previous still opens the old ones', async () => {
    const oldSecret = newSecret(), current = newSecret(), unrelated = newSecret();
    const before = cookieUnder(oldSecret, 'signed-in-before');
    const after = cookieUnder(current, 'signed-in-after');
    const stranger = cookieUnder(unrelated, 'mallory');
    const rotated = await startGatehouse(['--set-xauthrequest', `--cookie-secret=${current}`,
      `--cookie-secret-previous=${oldSecret}`]);
    try {
      assert.equal((await authStatus(rotated.port, before)).headers['x-auth-request-user'], 'signed-in-before');
      assert.equal((await authStatus(rotated.port, after)).headers['x-auth-request-user'], 'signed-in-after');
      assert.equal((await authStatus(rotated.port, stranger)).status, 401);
      await rotated.waitForOutput(/reason="session cookie failed authentication"/);
    } finally {
      await rotated.stop();
    }
    // Once the old secret is dropped, its sessions end.
    const dropped = await startGatehouse([`--cookie-secret=${current}`]);
    try {
      assert.equal((await authStatus(dropped.port, before)).status, 401);
      assert.equal((await authStatus(dropped.port, after)).status, 202);
    } finally {
      await dropped.stop();
    }
  });

  test('a bad or doubly given secret is a one-line error naming the flag, never showing the value', async () => {
    const dir = tempDir('secret');
    const file = path.join(dir, 'cookie-secret');
    fs.writeFileSync(file, cookieSecret);
    const bad = 'not-a-cookie-secret-012';
    let r = await runGatehouse([...baseFlags(1), `--cookie-secret-previous=${bad}`]);
    assert.equal(r.code, 2);
    assert.equal(r.output.trim(), 'gatehouse: --cookie-secret-previous: must be 16, 24 or 32 bytes, raw or base64 (got 23 characters)');
    r = await runGatehouse([...baseFlags(1), `--cookie-secret-file=${file}`]);
    assert.equal(r.code, 2);
    assert.match(r.output, /^gatehouse: --cookie-secret-file: give either --cookie-secret or --cookie-secret-file, not both$/m);
    assert.doesNotMatch(r.output, new RegExp(cookieSecret.replace(/[+/=]/g, '.')));
  });
});

describe('the check that no log holds a secret', () => {
  test('finds a planted secret, plain or percent-encoded, and refuses to pass on nothing', () => {
    const dir = tempDir('leakcheck');
    fs.mkdirSync(path.join(dir, 'gatehouse-logs'));
    fs.writeFileSync(path.join(dir, 'secrets-used.txt'), 'first/secret+value\nsecond-secret-value\n');
    fs.writeFileSync(path.join(dir, 'gatehouse-logs', 'clean-1.log'), 'auth: status=401 reason="no session"\n');
    assert.deepEqual(findLeaks(dir), { secrets: 2, logs: 1, leaks: [] });
    fs.writeFileSync(path.join(dir, 'gatehouse-logs', 'leaky-2.log'), 'url="/x?s=first%2Fsecret%2Bvalue"\nsecond-secret-value\n');
    const { leaks } = findLeaks(dir);
    assert.deepEqual(leaks.map((l) => l.log), ['leaky-2.log', 'leaky-2.log']);
    assert.ok(leaks.every((l) => !l.secret.includes('secret-value')), 'the report masks the secret');
    assert.deepEqual(findLeaks(tempDir('empty')), { secrets: 0, logs: 0, leaks: [] });
  });
});
