// The Kubernetes manifests in deploy/kubernetes/: they parse, they keep the promises an operator relies on
// (two replicas, a disruption budget, probes on the real health endpoints, non-root and read-only), and the
// Deployment's own command line starts a real Gatehouse. (No cluster runs here: a kind/k3s cluster needs the
// network; these checks are what can be proved on this machine.)
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { execFileSync } from 'node:child_process';
import { repoRoot, buildDir, freePort, tempDir, spawnGatehouse, waitForPort, waitForReady, cookieSecret }
  from './lib/processes.mjs';
import { startIdp } from './lib/idp.mjs';

const dir = path.join(repoRoot, 'deploy/kubernetes');
const docs = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((f) =>
  parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => {
    assert.deepEqual(d.errors, [], f);
    return { file: f, ...d.toJS() };
  }));
const find = (kind, name = 'gatehouse') => docs.find((d) => d.kind === kind && d.metadata?.name === name);

describe('deploy/kubernetes', () => {
  test('every manifest parses, and kustomization lists files that exist', () => {
    assert.ok(docs.length >= 8);
    for (const d of docs) assert.ok(d.kind && d.apiVersion, d.file);
    for (const r of docs.find((d) => d.kind === 'Kustomization').resources) assert.ok(fs.existsSync(path.join(dir, r)), r);
  });

  test('the Deployment: two replicas, probes on /ping and /ready, non-root, read-only, resources', () => {
    const dep = find('Deployment');
    assert.equal(dep.spec.replicas, 2);
    const pod = dep.spec.template.spec;
    const c = pod.containers[0];
    assert.equal(c.livenessProbe.httpGet.path, '/ping');
    assert.equal(c.readinessProbe.httpGet.path, '/ready');
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.securityContext.runAsUser > 0);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
    assert.ok(c.resources.requests.cpu && c.resources.requests.memory);
    // Kubernetes waits longer than Gatehouse drains.
    const drain = parseInt(c.args.find((a) => a.startsWith('--shutdown-timeout=')).split('=')[1], 10);
    assert.ok(pod.terminationGracePeriodSeconds > drain);
    // Labels line up: the Service and the PDB select the pods.
    const labels = dep.spec.template.metadata.labels;
    for (const sel of [find('Service').spec.selector, find('PodDisruptionBudget').spec.selector.matchLabels])
      for (const [k, v] of Object.entries(sel)) assert.equal(labels[k], v);
    assert.equal(find('PodDisruptionBudget').spec.minAvailable, 1);
    // Secrets come from files, never from the command line.
    assert.ok(!c.args.some((a) => /--(client|cookie)-secret=/.test(a)));
  });

  test("the Deployment's command line starts a real Gatehouse that becomes ready", async () => {
    const idp = await startIdp({ port: await freePort(), clients: [{ client_id: 'gatehouse', client_secret: 'k8s-test',
      redirect_uris: ['https://auth.example.com/oauth2/callback'] }] });
    const secrets = tempDir('k8s-secrets');
    fs.writeFileSync(path.join(secrets, 'client-secret'), 'k8s-test\n');
    fs.writeFileSync(path.join(secrets, 'cookie-secret'), `${cookieSecret}\n`);
    const [http, grpc] = [await freePort(), await freePort()];
    // Only what a cluster provides differently here: the secret mount, the IdP and the listen addresses.
    const args = find('Deployment').spec.template.spec.containers[0].args.map((a) => a
      .replace('/secrets/', `${secrets}/`)
      .replace(/^--oidc-issuer-url=.*/, `--oidc-issuer-url=${idp.issuer}`)
      .replace('0.0.0.0:4180', `127.0.0.1:${http}`)
      .replace('0.0.0.0:4181', `127.0.0.1:${grpc}`));
    const gh = spawnGatehouse(args);
    try {
      await waitForPort(http);
      await waitForReady(http);
      assert.equal((await fetch(`http://127.0.0.1:${http}/ping`)).status, 200);
      assert.doesNotMatch(gh.output, /warning.*trusted-proxy-ip/);
    } finally {
      await gh.stop();
      await idp.close();
    }
  });
});

describe('Dockerfile', () => {
  test('multi-stage, runs as a non-root user, ships only the binary', () => {
    const text = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const froms = text.match(/^FROM .*/gm);
    assert.equal(froms.length, 2);
    assert.match(froms[1], /slim/);
    assert.match(text, /^USER 65532:65532$/m);
    assert.match(text, /^COPY --from=build \S+\/gatehouse \/usr\/local\/bin\/gatehouse$/m);
    assert.match(text, /^ENTRYPOINT \["\/usr\/local\/bin\/gatehouse"\]$/m);
    // A Deployment written for oauth2-proxy's image may name its binary.
    assert.match(text, /^RUN ln -s \/usr\/local\/bin\/gatehouse \/bin\/oauth2-proxy$/m);
  });

  test('the runtime stage installs the package of every shared library the binary links', () => {
    const text = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const runtime = text.slice(text.lastIndexOf('FROM '));
    const libraries = execFileSync('ldd', [path.join(buildDir, 'src/gatehouse')], { encoding: 'utf8' })
      .split('\n').map((l) => l.match(/=> (\/\S+)/)?.[1]).filter(Boolean);
    // Debian 12 slim has these already (essential packages and what they pull in).
    // (libcrypt1 comes with login, an essential package.)
    const inSlim = new Set(['libc6', 'libstdc++6', 'libgcc-s1', 'zlib1g', 'libcrypt1']);
    for (const library of libraries) {
      // Looked up by the file's versioned name, then matched on its path with or without /usr (merged /usr).
      const real = fs.realpathSync(library);
      const unmerged = (p) => p.replace(/^\/usr\//, '/');
      const owner = execFileSync('dpkg', ['-S', path.basename(real)], { encoding: 'utf8' }).split('\n')
        .map((line) => line.split(': ')).find(([, file]) => file && unmerged(file) === unmerged(real))?.[0]
        ?.replace(/:[a-z0-9]+$/, '');  // the architecture qualifier (libcrypt1:amd64)
      assert.ok(owner, `no package owns ${real}`);
      if (/^lib(a|ub|t|l)san\d/.test(owner)) continue;  // the sanitizer builds' runtimes (make test-asan)
      if (!inSlim.has(owner)) assert.match(runtime, new RegExp(`\\b${owner.replace(/[+.]/g, '\\$&')}\\b`), `${library} (${owner})`);
    }
  });
});
