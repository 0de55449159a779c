// oauth2-proxy's own files (templates, cfg files, alpha config), kept beside the repository in
// ../shared/fixtures/oauth2-proxy (or where the workplace keeps them): read at test time, never copied into the
// project. Missing fixtures fail the test that needs them; it never skips.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './processes.mjs';

const candidates = [path.resolve(repoRoot, '../shared/fixtures/oauth2-proxy'), '/work/shared/fixtures/oauth2-proxy'];

export function oauth2ProxyFixtures() {
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'README.md')));
  if (!found) throw new Error(`oauth2-proxy's fixtures not found in ${candidates.join(' nor ')}`);
  return found;
}
