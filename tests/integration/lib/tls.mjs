// A throw-away certificate authority and one server certificate for the test's host names, made with the
// openssl command line at test time.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './processes.mjs';

export function makeCertificates(hostNames) {
  const dir = tempDir('ca');
  const f = (name) => path.join(dir, name);
  const run = (...args) => execFileSync('openssl', args, { stdio: 'ignore' });
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'),
    '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=Gatehouse test CA');
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('server.key'),
    '-out', f('server.csr'), '-subj', `/CN=${hostNames[0]}`);
  const san = hostNames.map((h) => (/^[0-9.]+$/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  fs.writeFileSync(f('san.ext'), `subjectAltName=${san}\n`);
  run('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f('server.pem'), '-days', '2', '-extfile', f('san.ext'));
  return { dir, ca: fs.readFileSync(f('ca.pem')), caFile: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}

// A client certificate for `subject` (openssl's "/O=Example/CN=ci" form), signed by the CA of `certs` (what
// makeCertificates returned), with optional subject alternative names ("URI:spiffe://…,DNS:…").
export function makeClientCertificate(certs, name, subject, { san } = {}) {
  const f = (file) => path.join(certs.dir, file);
  const run = (...args) => execFileSync('openssl', args, { stdio: 'ignore' });
  run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f(`${name}.key`),
    '-out', f(`${name}.csr`), '-subj', subject);
  const ext = [`extendedKeyUsage=clientAuth`, ...(san ? [`subjectAltName=${san}`] : [])].join('\n');
  fs.writeFileSync(f(`${name}.ext`), `${ext}\n`);
  run('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f(`${name}.pem`), '-days', '2', '-extfile', f(`${name}.ext`));
  const rfc2253 = (what) => execFileSync('openssl', ['x509', '-in', f(`${name}.pem`), '-noout', `-${what}`,
    '-nameopt', 'RFC2253'], { encoding: 'utf8' }).trim().replace(/^(subject|issuer)=/, '');
  return { cert: fs.readFileSync(f(`${name}.pem`)), key: fs.readFileSync(f(`${name}.key`)),
    subject: rfc2253('subject'), issuer: rfc2253('issuer') };
}
