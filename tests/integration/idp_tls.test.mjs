// The back channel to the IdP over TLS: discovery, JWKS and the token endpoint through an HTTPS front
// (nginx) whose certificate comes from a test CA. Gatehouse must verify it: with --provider-ca-file it
// becomes ready; without it, it stays unready and says why.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startGatehouse } from './lib/processes.mjs';
import { startNginx } from './lib/nginx.mjs';
import { startIdp } from './lib/idp.mjs';
import { makeCertificates } from './lib/tls.mjs';

describe('IdP behind TLS', () => {
  let idp;
  let nginx;
  let certs;
  let issuerPort;
  before(async () => {
    const idpPort = await freePort();
    issuerPort = await freePort();
    certs = makeCertificates(['127.0.0.1']);
    // The IdP's issuer is the TLS address; nginx terminates TLS and passes to the plain IdP.
    idp = await startIdp({ port: idpPort, issuer: `https://127.0.0.1:${issuerPort}`,
      clients: [{ client_id: 'gatehouse', client_secret: 's', redirect_uris: ['https://auth.example.test/oauth2/callback'] }] });
    nginx = await startNginx(issuerPort, `
  server {
    listen 127.0.0.1:${issuerPort} ssl;
    ssl_certificate ${certs.cert};
    ssl_certificate_key ${certs.key};
    location / { proxy_pass http://127.0.0.1:${idpPort}; proxy_set_header Host $http_host; proxy_set_header X-Forwarded-Proto https; }
  }`);
  });
  after(async () => {
    await nginx?.stop('SIGQUIT');
    await idp?.close();
  });

  const readyWithin = async (port, ms) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if ((await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.status, () => 0)) === 200) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };

  test('with --provider-ca-file the IdP is discovered over verified TLS', async () => {
    const gh = await startGatehouse([`--oidc-issuer-url=${idp.issuer}`, `--provider-ca-file=${certs.caFile}`]);
    try {
      assert.equal(await readyWithin(gh.port, 10000), true, gh.output);
      await gh.waitForOutput(/loaded 1 signing key\(s\) from https:\/\/127\.0\.0\.1/);
    } finally {
      await gh.stop();
    }
  });

  test('without the CA the certificate is refused and Gatehouse stays unready', async () => {
    const gh = await startGatehouse([`--oidc-issuer-url=${idp.issuer}`]);
    try {
      await gh.waitForOutput(/TLS handshake with 127\.0\.0\.1 failed/, 5000);
      assert.equal(await readyWithin(gh.port, 500), false);
    } finally {
      await gh.stop();
    }
  });

  // oauth2-proxy's rule: CA files replace the system's store, unless --use-system-trust-store keeps it. The
  // "system" store here is the test CA, named by SSL_CERT_FILE (OpenSSL's default paths read it); the given file is
  // an unrelated CA.
  test('--provider-ca-file alone replaces the system\'s CAs; --use-system-trust-store adds them back', async () => {
    const unrelated = makeCertificates(['127.0.0.1']);
    const env = { SSL_CERT_FILE: certs.caFile };
    const only = await startGatehouse([`--oidc-issuer-url=${idp.issuer}`, `--provider-ca-file=${unrelated.caFile}`], { env });
    try {
      await only.waitForOutput(/TLS handshake with 127\.0\.0\.1 failed/, 5000);
      assert.equal(await readyWithin(only.port, 500), false);
    } finally {
      await only.stop();
    }
    const both = await startGatehouse([`--oidc-issuer-url=${idp.issuer}`, `--provider-ca-file=${unrelated.caFile}`,
      '--use-system-trust-store'], { env });
    try {
      assert.equal(await readyWithin(both.port, 10000), true, both.output);
    } finally {
      await both.stop();
    }
  });
});
