// --htpasswd-file's per-client failure limit, through the README nginx block (which sets no X-Forwarded-For on
// the auth request): the client's own X-Forwarded-For names the "client".
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startGatehouse, freePort, tempDir } from '../lib/processes.mjs';
import { startNginx, authRequestServer } from '../lib/nginx.mjs';
import { startEchoApp } from '../lib/echo_app.mjs';
import { rawExchange } from '../lib/guard_stack.mjs';
const file = path.join(tempDir('attack-htpasswd'), 'users');
execFileSync('htpasswd', ['-B', '-C', '4', '-b', '-c', file, 'carol', 'correct-horse'], { stdio: 'ignore' });
const appPort = await freePort();
const app = await startEchoApp(appPort);
const gh = await startGatehouse([`--htpasswd-file=${file}`, '--reverse-proxy', '--trusted-proxy-ip=127.0.0.1', '--email-domain=*']);
const port = await freePort();
const ng = await startNginx(port, authRequestServer({ listenPort: port, gatehousePort: gh.port, appPort, signinUrl: 'https://auth.example.test/oauth2/start' }));
const basic = (u, p) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');
const tryOnce = (pw, xff) => rawExchange(port, `GET /x HTTP/1.1\r\nHost: app.example.test\r\nAuthorization: ${basic('carol', pw)}\r\n${xff ? `X-Real-IP: ${xff}\r\n` : ''}Connection: close\r\n\r\n`);
try {
  for (const x of ["198.51.100.9", "198.51.100.10"]) { const r = await rawExchange(gh.port, `GET /oauth2/auth HTTP/1.1\r\nHost: gh\r\nAuthorization: ${basic("carol", "bad")}\r\nX-Real-IP: ${x}\r\nConnection: close\r\n\r\n`); console.log("direct", x, r.status); }
  console.log(gh.output.split("\n").filter((l) => /AuthFailure/.test(l)).join("\n"));
  const same = [];
  for (let i = 0; i < 12; i++) same.push((await tryOnce('wrong' + i, '203.0.113.7')).status);
  console.log('same X-Real-IP, 12 wrong:', same.join(','));
  console.log('same X-Real-IP, right password now:', (await tryOnce('correct-horse', '203.0.113.7')).status);
  const rotating = [];
  for (let i = 0; i < 30; i++) rotating.push((await tryOnce('wrong' + i, `198.51.100.${i + 1}`)).status);
  console.log('rotating X-Real-IP, 30 wrong:', rotating.join(','));
  console.log('rotating X-Real-IP, right password:', (await tryOnce('correct-horse', '198.51.100.200')).status);
  const none = [];
  for (let i = 0; i < 12; i++) none.push((await tryOnce('wrong' + i)).status);
  console.log('no X-Real-IP, 12 wrong:', none.join(','));
  console.log(gh.output.split('\n').filter((l) => /AuthFailure/.test(l)).slice(-3).join('\n'));
} finally { await ng.stop('SIGQUIT'); await gh.stop(); app.close(); }
