// Reverse-proxy mode with a file upstream: traversal out of the served directory, and the policy vs the file path.
import fs from 'node:fs';
import path from 'node:path';
import { startGatehouse, tempDir, mintCookie } from '../lib/processes.mjs';
import { writePolicy, guardFlags, rawExchange } from '../lib/guard_stack.mjs';
const root = tempDir('attack-files');
fs.mkdirSync(path.join(root, 'www/admin'), { recursive: true });
fs.mkdirSync(path.join(root, 'www/public'), { recursive: true });
fs.writeFileSync(path.join(root, 'www/admin/secret.txt'), 'ADMIN SECRET\n');
fs.writeFileSync(path.join(root, 'www/public/ok.txt'), 'public ok\n');
fs.writeFileSync(path.join(root, 'outside.txt'), 'OUTSIDE THE ROOT\n');
fs.symlinkSync(path.join(root, 'outside.txt'), path.join(root, 'www/public/link.txt'));
fs.symlinkSync(path.join(root, 'www/admin'), path.join(root, 'www/public/adm'));
const gh = await startGatehouse([...guardFlags(writePolicy()), `--upstream=file://${root}/www#/`]);
const B = mintCookie({ user: 'bob', email: 'bob@example.com', groups: 'devs' });
try {
  for (const [who, p] of [['nobody', '/public/ok.txt'], ['nobody', '/public/../admin/secret.txt'], ['nobody', '/admin/../public/ok.txt'],
    ['nobody', '/public/%2e%2e/admin/secret.txt'], ['nobody', '/public/..%2fadmin/secret.txt'], ['nobody', '/public/link.txt'],
    ['nobody', '/public/adm/secret.txt'], ['bob', '/public/adm/secret.txt'], ['bob', '/admin/secret.txt'], ['bob', '/ADMIN/secret.txt'],
    ['bob', '/admin;x/secret.txt'], ['bob', '/%61dmin/secret.txt'], ['bob', '/admin%2fsecret.txt'], ['bob', '/x/../../outside.txt'],
    ['nobody', '/public/ok.txt%00.png'], ['nobody', '/public//ok.txt'], ['nobody', '/public/ok.txt/.'], ['bob', '/admin./secret.txt'], ['bob', '/admin/secret.txt.'],
    ['bob', '/admin%20/secret.txt'], ['nobody', '/public/%c0%ae%c0%ae/admin/secret.txt']]) {
    const r = await rawExchange(gh.port, `GET ${p} HTTP/1.1\r\nHost: app.example.test\r\n${who === 'bob' ? `Cookie: ${B}\r\n` : ''}Accept: application/json\r\nConnection: close\r\n\r\n`);
    console.log(`${who} ${p} → ${r.status} ${r.body.slice(0, 30).replace(/\n/g, ' ')}`);
  }
} finally { await gh.stop(); }
