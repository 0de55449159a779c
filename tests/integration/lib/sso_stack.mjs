// The whole single-sign-on stack on 127.0.0.1, for the end-to-end test and `make demo`:
//   oidc-provider (IdP, http)  <- back channel -  Gatehouse
//   nginx TLS: auth.gatehouse.test (Gatehouse's endpoints), app1/app2.gatehouse.test (sample app behind
//   auth_request, configured the way the ingress-nginx annotations auth-url, auth-signin and
//   auth-response-headers configure it).
import { freePort, startGatehouse, waitForReady } from './processes.mjs';
import { startNginx } from './nginx.mjs';
import { startEchoApp } from './echo_app.mjs';
import { startIdp } from './idp.mjs';
import { makeCertificates } from './tls.mjs';

export const domain = 'gatehouse.test';
export const defaultApps = ['app1', 'app2'];
export const hosts = ['auth', ...defaultApps].map((name) => `${name}.${domain}`);
export const clientSecret = 'gatehouse-client-secret';

// `authQueries`: per app, the query string its auth-url carries (per-app rules), e.g. { app1: '?allowed_groups=/x' }.
// `apps`: the names of the app hosts (`<name>.gatehouse.test`), each behind auth_request. `authHostRoot`: where
// `https://auth.…/` sends a browser (without it Gatehouse answers that path itself).
function ingressServers({ port, gatehousePort, appPort, certs, apps, authQueries = {}, authHostRoot }) {
  const auth = `https://auth.${domain}:${port}`;
  const tls = `listen 127.0.0.1:${port} ssl; ssl_certificate ${certs.cert}; ssl_certificate_key ${certs.key};`;
  const appServer = (name) => `
  server {
    ${tls}
    server_name ${name}.${domain};
    # nginx.ingress.kubernetes.io/auth-url: http://gatehouse/oauth2/auth
    location = /_external-auth {
      internal;
      proxy_pass http://gatehouse/oauth2/auth${authQueries[name] ?? ''};
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Host auth.${domain};
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Auth-Request-Redirect $request_uri;
      proxy_set_header X-Sent-From "nginx-ingress-controller";
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffer_size 64k;
      proxy_buffers 4 64k;
    }
    # nginx.ingress.kubernetes.io/auth-signin: ${auth}/oauth2/start?rd=$scheme://$host$escaped_request_uri
    location @signin {
      return 302 ${auth}/oauth2/start?rd=$scheme://$http_host$request_uri;
    }
    # Show Gatehouse's 403 page (who is signed in, sign out, switch account) instead of nginx's: ask the
    # forward_auth door, whose answer body is that page.
    location = /_gatehouse-forbidden {
      internal;
      proxy_pass http://gatehouse/oauth2/forward_auth${authQueries[name] ?? ''};
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Host auth.${domain};
      # The forward_auth door reads X-Forwarded-*: set all four, or nginx passes a client's own copies.
      proxy_set_header X-Forwarded-Method $request_method;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Uri $request_uri;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
    location / {
      auth_request /_external-auth;
      error_page 401 = @signin;
      error_page 403 /_gatehouse-forbidden;
      auth_request_set $auth_cookie $upstream_http_set_cookie;
      add_header Set-Cookie $auth_cookie;
      # nginx.ingress.kubernetes.io/auth-response-headers: X-Auth-Request-User, -Email, -Groups, -Preferred-Username
      auth_request_set $authHeader0 $upstream_http_x_auth_request_user;
      proxy_set_header X-Auth-Request-User $authHeader0;
      auth_request_set $authHeader1 $upstream_http_x_auth_request_email;
      proxy_set_header X-Auth-Request-Email $authHeader1;
      auth_request_set $authHeader2 $upstream_http_x_auth_request_groups;
      proxy_set_header X-Auth-Request-Groups $authHeader2;
      auth_request_set $authHeader3 $upstream_http_x_auth_request_preferred_username;
      proxy_set_header X-Auth-Request-Preferred-Username $authHeader3;
      proxy_set_header Host $http_host;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://app;
    }
  }`;
  return `
  upstream gatehouse { server 127.0.0.1:${gatehousePort}; keepalive 16; }
  upstream app { server 127.0.0.1:${appPort}; keepalive 16; }
  server {
    ${tls}
    server_name auth.${domain};
    ${authHostRoot ? `location = / { return 302 ${authHostRoot}; }` : ''}
    location / {
      proxy_pass http://gatehouse;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffer_size 64k;
      proxy_buffers 4 64k;
    }
  }
  ${apps.map(appServer).join('\n')}`;
}

// `clientExtras`: more client metadata for the IdP (backchannel_logout_uri …), given Gatehouse's port.
// `startApp(port)`: the app behind every app host (default: the echo app the tests read).
export async function startSsoStack({ port, idpPort, gatehouseFlags = [], authQueries, clientExtras = () => ({}),
  apps = defaultApps, startApp = startEchoApp, authHostRoot } = {}) {
  port = port ?? await freePort();
  idpPort = idpPort ?? await freePort();
  const appPort = await freePort();
  const gatehousePort = await freePort();
  const certs = makeCertificates(['auth', ...apps].map((name) => `${name}.${domain}`));
  const base = (h) => `https://${h}.${domain}:${port}`;
  const idp = await startIdp({ port: idpPort, clients: [{ client_id: 'gatehouse', client_secret: clientSecret,
    redirect_uris: [`${base('auth')}/oauth2/callback`],
    post_logout_redirect_uris: [...apps.map((name) => `${base(name)}/`), `${base('auth')}/`,
      `${base('auth')}/oauth2/signed_out`],
    ...clientExtras(gatehousePort) }] });
  const app = await startApp(appPort);
  const gatehouse = await startGatehouse([
    '--provider=keycloak-oidc', `--oidc-issuer-url=${idp.issuer}`, '--client-id=gatehouse',
    `--client-secret=${clientSecret}`, '--reverse-proxy=true', '--cookie-secure=true',
    `--cookie-domain=.${domain}`, `--whitelist-domain=.${domain}:*`, '--set-xauthrequest=true',
    '--oidc-groups-claim=groups', '--cookie-samesite=lax', `--redirect-url=${base('auth')}/oauth2/callback`,
    ...gatehouseFlags,
  ], { port: gatehousePort });
  const nginx = await startNginx(port, ingressServers({ port, gatehousePort, appPort, certs, apps, authQueries,
    authHostRoot }));
  await waitForReady(gatehousePort);
  return {
    port, idp, app, gatehouse, nginx, certs, base,
    async stop() {
      await nginx.stop('SIGQUIT');
      await this.gatehouse.stop();  // a test may have swapped in another Gatehouse
      await new Promise((r) => app.close(r));
      await this.idp.close();
    },
  };
}

// Restarts the stack's IdP on the same port with a new signing key under the same kid and no memory of its
// grants: every refresh token Gatehouse holds is now unknown there.
export async function restartIdpForgettingGrants(stack) {
  const port = Number(new URL(stack.idp.issuer).port);
  await stack.idp.close();
  stack.idp = await startIdp({ port, clients: [{ client_id: 'gatehouse', client_secret: clientSecret,
    redirect_uris: [`${stack.base('auth')}/oauth2/callback`] }] });
}

