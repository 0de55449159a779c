// Every oauth2-proxy flag (data/oauth2_proxy_flags.json: its names, cfg keys, variables and defaults) is honoured
// under the same names or refused by name with what to do instead, as a flag, an OAUTH2_PROXY_* variable and a cfg
// key alike; a refused setting at its default value (or at what Gatehouse does anyway) is accepted silently; and
// oauth2-proxy's example cfg, every setting uncommented, starts.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, gatehouseBin, runGatehouse, spawnGatehouse, freePort, tempDir, cookieSecret, waitForPort } from './lib/processes.mjs';
import { oauth2ProxyFixtures } from './lib/oauth2_proxy_fixtures.mjs';

const oauth2Proxy = JSON.parse(fs.readFileSync(path.join(repoRoot, 'tests/integration/data/oauth2_proxy_flags.json'), 'utf8')).flags;


// Gatehouse's rows as `gatehouse flags` prints them: flag, variable, cfg key; and the refused names.
function gatehouseTables() {
  const text = execFileSync(gatehouseBin, ['flags'], { encoding: 'utf8' });
  const rows = new Map();
  for (const [, name, env, cfg] of text.matchAll(/^\| `--([a-z0-9-]+)` \| (?:`([A-Z0-9_]+)`, `([a-z0-9_]+)`|\(flag only\)) \|/gm)) {
    rows.set(name, { env, cfg });
  }
  const refused = new Set([...text.matchAll(/^\| `--([a-z0-9-]+)` \| (?!`OAUTH2|\(flag)/gm)].map((m) => m[1]));
  return { rows, refused };
}

// The refused rows of the flag table, with the values that change nothing (harmless), to pick a value that does.
function unsupportedRows() {
  const source = fs.readFileSync(path.join(repoRoot, 'src/options/unsupported_flags.cpp'), 'utf8');
  const rows = new Map();
  for (const [, name, type, values] of source.matchAll(/UnsupportedFlag\{"([a-z0-9-]+)", [^\n]*?, T::(\w+)((?:, "[^"]*")*)\}/g)) {
    rows.set(name, { type, harmless: [...values.matchAll(/"([^"]*)"/g)].map((m) => m[1]) });
  }
  return rows;
}

// A value of `type` that is none of `harmless`, or undefined when every value is (a switch whose both sides are
// what Gatehouse does).
function changingValue(type, harmless) {
  const candidates = { boolean: ['true', 'false'], integer: ['12345'], duration: ['7m'], text: ['changed'], list: ['changed'] }[type];
  return candidates.find((v) => !harmless.includes(v));
}

// A cfg line in oauth2-proxy's TOML for `key` = `value` of `type`.
function cfgLine(key, type, value) {
  if (type === 'list') return `${key} = [${value === '' ? '' : JSON.stringify(value)}]`;
  if (type === 'boolean' || type === 'integer') return `${key} = ${value}`;
  return `${key} = ${JSON.stringify(value)}`;
}

const lines = (output) => output.trimEnd().split('\n').filter((l) => l !== '');

describe("oauth2-proxy's flags", () => {
  const { rows, refused } = gatehouseTables();
  const unsupported = unsupportedRows();

  test('the checked-in table is complete enough to mean something', () => {
    assert.ok(oauth2Proxy.length >= 170, `${oauth2Proxy.length} flags`);
    for (const name of ['provider', 'cookie-secret', 'skip-auth-strip-headers', 'alpha-config']) {
      assert.ok(oauth2Proxy.some((f) => f.name === name), name);
    }
  });

  test('each one is a row of the flag table under the same variable and cfg key, or refused by name', () => {
    const problems = [];
    for (const f of oauth2Proxy) {
      if (f.name === 'version') continue;  // answered before any setting: config.test.mjs
      const row = rows.get(f.name);
      if (row) {
        if (f.cfg.length === 0) continue;  // a command-line flag only there (--config)
        if (!f.cfg.includes(row.cfg)) problems.push(`--${f.name}: cfg key ${row.cfg}, oauth2-proxy's ${f.cfg.join(' or ')}`);
        if (!f.env.includes(row.env)) problems.push(`--${f.name}: variable ${row.env}, oauth2-proxy's ${f.env.join(' or ')}`);
      } else if (!refused.has(f.name) || !unsupported.has(f.name)) {
        problems.push(`--${f.name}: neither honoured nor refused`);
      }
    }
    assert.deepEqual(problems, []);
  });

  // Every refused setting at once, from one source: one line each, naming it as given, with what to do instead.
  async function refusalsFrom(source) {
    const dir = tempDir('refused');
    const args = ['--version'];
    const env = {};
    const cfg = [];
    const expected = [];
    for (const f of oauth2Proxy.filter((x) => unsupported.has(x.name))) {
      const { type, harmless } = unsupported.get(f.name);
      const value = changingValue(type, harmless);
      if (value === undefined) continue;
      if (source === 'flag') {
        args.push(`--${f.name}=${value}`);
        expected.push(`--${f.name}`);
      } else if (f.cfg.length > 0 && source === 'env') {
        env[f.env[0]] = value;
        expected.push(f.env[0]);
      } else if (f.cfg.length > 0) {
        cfg.push(cfgLine(f.cfg[0], type, value));
        expected.push(`:${cfg.length} ${f.cfg[0]}`);
      }
    }
    if (source === 'cfg') {
      fs.writeFileSync(path.join(dir, 'refused.cfg'), `${cfg.join('\n')}\n`);
      args.push(`--config=${path.join(dir, 'refused.cfg')}`);
    }
    const { code, output } = await runGatehouse(args, env);
    assert.equal(code, 2, output);
    const got = lines(output);
    assert.equal(got.length, expected.length, output);
    for (const origin of expected) {
      const line = got.find((l) => l.includes(`${origin}: not supported by Gatehouse (`));
      assert.ok(line, `no refusal of ${origin} in:\n${output}`);
      assert.match(line, /\(.{10,}\)$/, `the refusal of ${origin} says what to do instead`);
    }
    assert.ok(expected.length >= 30, `${expected.length} refusals from ${source}`);
  }
  test('a value that would change behaviour is refused by name, as a flag', () => refusalsFrom('flag'));
  test('... as an OAUTH2_PROXY_* variable', () => refusalsFrom('env'));
  test('... and as a cfg key', () => refusalsFrom('cfg'));

  test("each refused setting at oauth2-proxy's default is accepted silently, from every source", async () => {
    const dir = tempDir('defaults');
    const args = ['--version'];
    const env = {};
    const cfg = [];
    for (const f of oauth2Proxy.filter((x) => unsupported.has(x.name))) {
      const { type } = unsupported.get(f.name);
      args.push(`--${f.name}=${f.default}`);
      if (f.cfg.length === 0) continue;
      env[f.env[0]] = f.default;
      cfg.push(cfgLine(f.cfg[0], type, f.default));
    }
    const file = path.join(dir, 'defaults.cfg');
    fs.writeFileSync(file, `${cfg.join('\n')}\n`);
    for (const [how, run] of [['flags', () => runGatehouse(args)],
      ['variables', () => runGatehouse(['--version'], env)],
      ['cfg', () => runGatehouse(['--version', `--config=${file}`])]]) {
      const { code, output } = await run();
      assert.equal(code, 0, `${how}:\n${output}`);
      assert.match(output, /^gatehouse \d+\.\d+\.\d+\n$/, how);
    }
  });

  test('--provider=keycloak (the old, non-OIDC Keycloak provider) is refused with the way to keycloak-oidc', async () => {
    const { code, output } = await runGatehouse(['--provider=keycloak', '--client-id=a', '--client-secret=b',
      `--cookie-secret=${cookieSecret}`, '--email-domain=*']);
    assert.equal(code, 2);
    assert.match(output, /^gatehouse: --provider: the old Keycloak provider is not supported: use --provider=keycloak-oidc/m);
  });
});

describe("oauth2-proxy's example cfg, every setting uncommented", () => {
  // The example as an operator would enable it: every "# key = value" line (and the lines of a list under one) without
  // its "#". Comment lines are "##".
  function uncommented() {
    const text = fs.readFileSync(path.join(oauth2ProxyFixtures(), 'cfg/oauth2-proxy.cfg.example'), 'utf8');
    const out = text.split('\n').map((l) => (/^#(?!#)/.test(l) && !/^# ?defaults to/.test(l) ? l.replace(/^# ?/, '') : l));
    const file = path.join(tempDir('cfg-example'), 'oauth2-proxy.cfg');
    fs.writeFileSync(file, out.join('\n'));
    return { file, settings: out.filter((l) => /^[a-z_]+ = /.test(l)).map((l) => l.split(' ')[0]) };
  }

  test('as it is, the only refusals are its two empty secrets, each naming its line and what to give', async () => {
    const { file, settings } = uncommented();
    assert.ok(settings.length >= 35, `${settings.length} settings`);
    const { code, output } = await runGatehouse([`--config=${file}`]);
    assert.equal(code, 2, output);
    const at = (key) => `${file}:${fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.startsWith(`${key} = `)) + 1} ${key}`;
    assert.deepEqual(lines(output), [
      `gatehouse: ${at('client_secret')}: missing (or use --client-secret-file)`,
      `gatehouse: ${at('cookie_secret')}: missing (or use --cookie-secret-file)`,
    ]);
  });

  test('with those two secrets given, it starts', async () => {
    const { file } = uncommented();
    const port = await freePort();
    // The example listens on 127.0.0.1:4180; a free port keeps the test off whatever else runs here.
    const gh = spawnGatehouse([`--config=${file}`, `--http-address=127.0.0.1:${port}`, '--client-secret=example-secret',
      `--cookie-secret=${cookieSecret}`]);
    try {
      await Promise.race([waitForPort(port),
        gh.exited.then(({ code }) => { throw new Error(`exited with ${code}:\n${gh.output}`); })]);
      const ping = await fetch(`http://127.0.0.1:${port}/ping`);
      assert.equal(ping.status, 200);
    } finally {
      await gh.stop();
    }
  });
});
