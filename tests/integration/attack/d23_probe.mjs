// Scratch probe for the d23 cold attack: one Gatehouse in reverse-proxy mode (alpha config) in front of the echo app,
// the test IdP, custom templates; prints what came back for each attack.
import fs from 'node:fs';
import path from 'node:path';
import { freePort, spawnGatehouse, tempDir, waitForPort, waitForReady, mintCookie, cookieSecret } from '../lib/processes.mjs';
import { startEchoApp } from '../lib/echo_app.mjs';
import { startIdp } from '../lib/idp.mjs';
import { rawExchange } from '../lib/guard_stack.mjs';

export async function startProbe({ template, extraYaml = '', flags = [] } = {}) {
  const idpPort = await freePort(), appPort = await freePort(), port = await freePort();
  const idp = await startIdp({ port: idpPort, clients: [{ client_id: 'gatehouse', client_secret: 'sec',
    redirect_uris: [`http://127.0.0.1:${port}/oauth2/callback`] }],
    machineClients: [{ client_id: 'machine', client_secret: 'msec', groups: ['/dev'], email: 'robot@sub.example.com' }] });
  const app = await startEchoApp(appPort);
  const dir = tempDir('d23tpl');
  if (template) for (const [n, t] of Object.entries(template)) fs.writeFileSync(path.join(dir, n), t);
  const yaml = `server:
  bindAddress: 127.0.0.1:${port}
upstreamConfig:
  upstreams:
    - id: app
      path: /
      uri: http://127.0.0.1:${appPort}
injectRequestHeaders:
  - name: X-Remote-User
    values:
      - claimSource:
          claim: email
  - name: X-Remote-Groups
    values:
      - claimSource:
          claim: groups
injectResponseHeaders:
  - name: X-Remote-User
    values:
      - claimSource:
          claim: email
providers:
  - id: oidc
    provider: oidc
    clientID: gatehouse
    clientSecret: sec
    oidcConfig:
      issuerURL: ${idp.issuer}
${extraYaml}`;
  const cfg = path.join(dir, 'alpha.yaml');
  fs.writeFileSync(cfg, yaml);
  const gh = spawnGatehouse([`--alpha-config=${cfg}`, `--cookie-secret=${cookieSecret}`,
    '--email-domain=.example.com', '--reverse-proxy', '--whitelist-domain=.example.com', '--skip-jwt-bearer-tokens',
    `--custom-templates-dir=${dir}`, '--workers=1', ...flags]);
  await Promise.race([waitForPort(port), gh.exited.then(({ code }) => { throw new Error(`exit ${code}\n${gh.output}`); })]);
  await waitForReady(port);
  return { idp, app, gh, port, async stop() { await gh.stop(); await new Promise((r) => app.close(r)); await idp.close(); } };
}

export function raw(port, lines, body = '') {
  return rawExchange(port, `${lines.join('\r\n')}\r\nConnection: close\r\n\r\n${body}`);
}
