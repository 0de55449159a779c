// The operator docs keep up with the code: the migration guide names every flag Gatehouse knows (from its own
// --help) and every oauth2-proxy flag it refuses as not supported; the troubleshooting guide names every
// decision reason the logs and /metrics use; both link to files that exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, gatehouseBin } from './lib/processes.mjs';

const read = (f) => fs.readFileSync(path.join(repoRoot, f), 'utf8');
const migration = read('docs/migration-from-oauth2-proxy.md');
const troubleshooting = read('docs/troubleshooting.md');

test('the migration guide names every flag of --help and every oauth2-proxy flag Gatehouse refuses', () => {
  const help = execFileSync(gatehouseBin, ['--help'], { encoding: 'utf8' });
  const flags = [...help.matchAll(/^ {2}(--[a-z0-9-]+)/gm)].map((m) => m[1]);
  assert.ok(flags.length > 90, `found ${flags.length} flags in --help`);
  const unsupported = [...read('src/options/flag_table.cpp').matchAll(/UnsupportedFlag\{"([a-z0-9-]+)"/g)].map((m) => `--${m[1]}`);
  assert.ok(unsupported.length >= 15, `found ${unsupported.length} unsupported flags in flag_table.cpp`);
  const missing = [...flags, ...unsupported].filter((f) => !migration.includes(`\`${f}\``));
  assert.deepEqual(missing, []);
});

test('the troubleshooting guide names every decision reason', () => {
  const reasons = [...read('src/gate/decision.cpp').matchAll(/case Reason::\w+: return "([a-z_]+)";/g)].map((m) => m[1])
    .filter((r) => r !== 'allowed' && r !== 'public_route');
  assert.ok(reasons.length >= 12);
  assert.deepEqual(reasons.filter((r) => !troubleshooting.includes(`\`${r}\``)), []);
});

test('relative links in the docs point at files that exist', () => {
  for (const [file, text] of [['docs/migration-from-oauth2-proxy.md', migration], ['docs/troubleshooting.md', troubleshooting],
    ['README.md', read('README.md')], ['deploy/helm/gatehouse/README.md', read('deploy/helm/gatehouse/README.md')],
    ['deploy/examples/README.md', read('deploy/examples/README.md')]]) {
    for (const [, target] of text.matchAll(/\]\(([^)#:]+)(#[^)]*)?\)/g)) {
      assert.ok(fs.existsSync(path.join(repoRoot, path.dirname(file), target)), `${file} links to ${target}`);
    }
  }
});
