// The single-sign-on stack with Caddy 2.6 (Debian's package) as the proxy instead of nginx: Caddy terminates
// TLS for auth/app1/app2.gatehouse.test and asks Gatehouse with `forward_auth` before proxying to the sample
// app. Caddy returns any non-2xx auth answer to the client as it is, exactly as Traefik's forwardAuth does, so
// this stack is also the stand-in for Traefik (not packaged for Debian).
import fs from 'node:fs';
import path from 'node:path';
import { Proc, freePort, startGatehouse, tempDir, waitForPort, waitForReady } from './processes.mjs';
import { startEchoApp } from './echo_app.mjs';
import { startIdp } from './idp.mjs';
import { makeCertificates } from './tls.mjs';
import { domain, hosts, clientSecret } from './sso_stack.mjs';

const identityHeaders = 'X-Auth-Request-User X-Auth-Request-Email X-Auth-Request-Groups X-Auth-Request-Preferred-Username';

function caddyfile({ port, gatehousePort, appPort, certs, authQueries }) {
  const app = (name) => `
https://${name}.${domain}:${port} {
  tls ${certs.cert} ${certs.key}
  forward_auth 127.0.0.1:${gatehousePort} {
    uri /oauth2/forward_auth${authQueries[name] ?? ''}
    copy_headers ${identityHeaders}
  }
  reverse_proxy 127.0.0.1:${appPort}
}`;
  return `{
  admin off
  auto_https disable_redirects
  https_port ${port}
  skip_install_trust
  storage file_system ${certs.dir}/caddy-storage
}
https://auth.${domain}:${port} {
  tls ${certs.cert} ${certs.key}
  reverse_proxy 127.0.0.1:${gatehousePort}
}
${app('app1')}
${app('app2')}
`;
}

export async function startCaddyStack({ gatehouseFlags = [], authQueries = {} } = {}) {
  const port = await freePort();
  const idpPort = await freePort();
  const appPort = await freePort();
  const gatehousePort = await freePort();
  const certs = makeCertificates(hosts);
  const base = (h) => `https://${h}.${domain}:${port}`;
  const idp = await startIdp({ port: idpPort, clients: [{ client_id: 'gatehouse', client_secret: clientSecret,
    redirect_uris: [`${base('auth')}/oauth2/callback`], post_logout_redirect_uris: [`${base('app1')}/`] }] });
  const app = await startEchoApp(appPort);
  const gatehouse = await startGatehouse([
    '--provider=keycloak-oidc', `--oidc-issuer-url=${idp.issuer}`, '--client-id=gatehouse',
    `--client-secret=${clientSecret}`, '--reverse-proxy=true', `--cookie-domain=.${domain}`,
    `--whitelist-domain=.${domain}:*`, '--set-xauthrequest=true', '--cookie-samesite=lax',
    // One central auth host: browsers are sent there to sign in.
    `--redirect-url=${base('auth')}/oauth2/callback`, ...gatehouseFlags,
  ], { port: gatehousePort });
  const dir = tempDir('caddy');
  const config = path.join(dir, 'Caddyfile');
  fs.writeFileSync(config, caddyfile({ port, gatehousePort, appPort, certs, authQueries }));
  const caddy = new Proc('caddy', ['run', '--config', config, '--adapter', 'caddyfile'],
    { env: { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } });
  await Promise.race([
    waitForPort(port),
    caddy.exited.then(({ code }) => { throw new Error(`caddy exited with ${code}:\n${caddy.output}`); }),
  ]);
  await waitForReady(gatehousePort);
  return {
    port, idp, app, gatehouse, caddy, certs, base,
    async stop() {
      await caddy.stop();
      await gatehouse.stop();
      await new Promise((r) => app.close(r));
      await idp.close();
    },
  };
}
