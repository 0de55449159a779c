// deploy/helm/gatehouse: its templates rendered (Go's text/template with sprig, as Helm renders them: see
// tests/tools/helm-render), every manifest parsed, and a values file written for the oauth2-proxy chart used
// unchanged: the Deployment it renders starts a real Gatehouse (real IdP, real Redis with a password) that
// becomes ready, and `gatehouse doctor` finds that configuration clean. No cluster runs here (a kind/k3s
// cluster needs the network); rendering, parsing and running the rendered command line is what can be proved.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { repoRoot, buildDir, freePort, tempDir, spawnGatehouse, runGatehouse, waitForPort, waitForReady, cookieSecret,
  registerSecret } from './lib/processes.mjs';
import { startIdp } from './lib/idp.mjs';
import { startRedis } from './lib/redis.mjs';
import { startEchoApp } from './lib/echo_app.mjs';

const chart = path.join(repoRoot, 'deploy/helm/gatehouse');
const renderer = path.join(buildDir, 'test-tools/helm-render');

// Builds the renderer from Debian's Go and sprig packages (GOPATH mode: Debian ships sources, not modules;
// the two /v3 import paths sprig uses are symlinked to where Debian puts them).
function buildRenderer() {
  const gopath = path.join(buildDir, 'test-tools/gopath');
  for (const pkg of ['sprig', 'semver']) {
    const link = path.join(gopath, 'src/github.com/Masterminds', pkg, 'v3');
    fs.mkdirSync(path.dirname(link), { recursive: true });
    if (!fs.existsSync(link)) fs.symlinkSync(`/usr/share/gocode/src/github.com/Masterminds/${pkg}`, link);
  }
  execFileSync('go', ['build', '-o', renderer, './tests/tools/helm-render'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: buildDir, GO111MODULE: 'off', GOPROXY: 'off', GOFLAGS: '',
      GOPATH: `${gopath}:/usr/share/gocode`, GOCACHE: path.join(buildDir, 'test-tools/gocache') },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

function render(values) {
  const args = [chart, '--release', 'sso', '--namespace', 'auth'];
  if (values) {
    const file = path.join(tempDir('helm-values'), 'values.yaml');
    fs.writeFileSync(file, stringify(values));
    args.push('-f', file);
  }
  const r = spawnSync(renderer, args, { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, docs: r.status === 0 ? parse(r.stdout) : [] };
}

function parse(text) {
  return parseAllDocuments(text).map((d) => {
    assert.deepEqual(d.errors, []);
    return d.toJS();
  }).filter((d) => d);
}

const of = (docs, kind) => docs.filter((d) => d.kind === kind);

describe('deploy/helm/gatehouse', () => {
  before(() => buildRenderer());

  test('default values render a complete, valid release', () => {
    const { status, stderr, docs } = render();
    assert.equal(status, 0, stderr);
    assert.deepEqual(docs.map((d) => d.kind).sort(),
      ['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Secret', 'Service', 'ServiceAccount']);
    for (const d of docs) {
      assert.ok(d.apiVersion && d.metadata.name.startsWith('sso-gatehouse'), `${d.kind} ${d.metadata.name}`);
      assert.equal(d.metadata.namespace, 'auth');
    }
    const [dep] = of(docs, 'Deployment');
    const pod = dep.spec.template.spec;
    const c = pod.containers[0];
    assert.equal(dep.spec.replicas, 2);
    assert.deepEqual(dep.spec.selector.matchLabels, dep.spec.template.metadata.labels);
    assert.equal(c.image, 'ghcr.io/example/gatehouse:0.1.0');
    assert.deepEqual(c.args, ['--http-address=0.0.0.0:4180', '--metrics-address=0.0.0.0:44180',
      '--config=/etc/oauth2_proxy/oauth2_proxy.cfg']);
    assert.equal(c.livenessProbe.httpGet.path, '/ping');
    assert.equal(c.readinessProbe.httpGet.path, '/ready');
    assert.equal(c.securityContext.runAsNonRoot, true);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.enabled, undefined);  // the chart's switch is not a Kubernetes field
    assert.ok(c.resources.requests.memory);
    assert.ok(pod.terminationGracePeriodSeconds > 10);  // more than the default --shutdown-timeout
    assert.match(dep.spec.template.metadata.annotations['checksum/config'], /^[0-9a-f]{64}$/);
    // The secrets travel as OAUTH2_PROXY_* variables from the Secret, never as arguments.
    const [secret] = of(docs, 'Secret');
    for (const e of c.env) assert.equal(e.valueFrom.secretKeyRef.name, secret.metadata.name);
    assert.deepEqual(Object.keys(secret.data).sort(), ['client-id', 'client-secret', 'cookie-secret']);
    const [svc] = of(docs, 'Service');
    assert.deepEqual(svc.spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['http', 80, 'http'], ['metrics', 44180, 'metrics']]);
    assert.deepEqual(svc.spec.selector, dep.spec.selector.matchLabels);
    assert.equal(of(docs, 'PodDisruptionBudget')[0].spec.minAvailable, 1);
  });

  test('sessionStorage.type=redis without a URL stops the render with the key to set', () => {
    const { status, stderr } = render({ sessionStorage: { type: 'redis' } });
    assert.notEqual(status, 0);
    assert.match(stderr, /sessionStorage\.redis\.standalone\.connectionUrl is required/);
  });

  test('Gatehouse additions: gRPC door, policy file, trusted proxies, JSON logs, sentinel Redis', () => {
    const { status, stderr, docs } = render({
      gatehouse: { grpc: { enabled: true }, policy: 'rules: []\n', trustedProxyIPs: ['10.0.0.0/8'], logging: { format: 'json' },
        originalRequestHeaders: 'x-forwarded' },
      sessionStorage: { type: 'redis', redis: { clientType: 'sentinel', sentinel: { masterName: 'mymaster', password: 'sp',
        connectionUrls: ['redis://s1:26379', 'redis://s2:26379'] } } },
      replicaCount: 1,
    });
    assert.equal(status, 0, stderr);
    const c = of(docs, 'Deployment')[0].spec.template.spec.containers[0];
    for (const a of ['--grpc-address=0.0.0.0:4181', '--policy-file=/etc/gatehouse/policy.yaml', '--trusted-proxy-ip=10.0.0.0/8',
      '--original-request-headers=x-forwarded',
      '--logging-format=json', '--session-store-type=redis', '--redis-use-sentinel=true', '--redis-sentinel-master-name=mymaster',
      '--redis-sentinel-connection-urls=redis://s1:26379', '--redis-sentinel-connection-urls=redis://s2:26379']) {
      assert.ok(c.args.includes(a), a);
    }
    assert.ok(c.env.some((e) => e.name === 'OAUTH2_PROXY_REDIS_SENTINEL_PASSWORD'));
    assert.ok(c.ports.some((p) => p.name === 'grpc' && p.containerPort === 4181));
    assert.ok(of(docs, 'Service')[0].spec.ports.some((p) => p.name === 'grpc' && p.appProtocol === 'kubernetes.io/h2c'));
    assert.equal(of(docs, 'ConfigMap')[0].data['policy.yaml'], 'rules: []\n');
    assert.equal(of(docs, 'PodDisruptionBudget').length, 0);  // one replica: a budget would block every drain
  });

  // oauth2-proxy's chart CI values (helm/oauth2-proxy/ci/redis-sentinel-comma-values.yaml and
  // redis-standalone-values.yaml in oauth2-proxy/manifests), written here from their documented keys.
  test('redis-sentinel-comma-values style: sentinel URLs as one comma-separated string', () => {
    const { status, stderr, docs } = render({
      sessionStorage: { type: 'redis', redis: { clientType: 'sentinel', sentinel: { password: 'foo', masterName: 'mymaster',
        connectionUrls: 'redis://oauth2-proxy-redis:26379,redis://oauth2-proxy-redis-2:26379' } } },
      redis: { enabled: true, fullnameOverride: 'oauth2-proxy-redis', replicas: 3, redisPassword: 'foo',
        redis: { masterGroupName: 'mymaster' } },
      initContainers: { waitForRedis: { enabled: true } },
    });
    assert.equal(status, 0, stderr);
    const pod = of(docs, 'Deployment')[0].spec.template.spec;
    const urls = pod.containers[0].args.filter((a) => a.startsWith('--redis-sentinel-connection-urls='));
    assert.deepEqual(urls, ['--redis-sentinel-connection-urls=redis://oauth2-proxy-redis:26379',
      '--redis-sentinel-connection-urls=redis://oauth2-proxy-redis-2:26379']);
    assert.ok(pod.containers[0].env.some((e) => e.name === 'OAUTH2_PROXY_REDIS_SENTINEL_PASSWORD'));
    // oauth2-proxy's initContainers.waitForRedis map is not a container list: nothing rendered (/ready waits for Redis).
    assert.equal(pod.initContainers, undefined);
  });

  test('redis-standalone-values style: no connectionUrl, the Redis named by redis.fullnameOverride', () => {
    const { status, stderr, docs } = render({
      sessionStorage: { type: 'redis', redis: { clientType: 'standalone', password: 'foo' } },
      redis: { enabled: true, fullnameOverride: 'oauth2-proxy-redis', replicas: 1, redisPassword: 'foo' },
      initContainers: { waitForRedis: { enabled: true } },
    });
    assert.equal(status, 0, stderr);
    const c = of(docs, 'Deployment')[0].spec.template.spec.containers[0];
    assert.ok(c.args.includes('--redis-connection-url=redis://oauth2-proxy-redis:6379'), c.args.join(' '));
    assert.ok(c.env.some((e) => e.name === 'OAUTH2_PROXY_REDIS_PASSWORD'));
  });

  describe('alphaConfig, as oauth2-proxy\'s chart takes it', () => {
    let idp, echo, docs;
    const clientSecret = 'helm-alpha-secret';
    before(async () => {
      const echoPort = await freePort();
      echo = await startEchoApp(echoPort);
      idp = await startIdp({ port: await freePort(), clients: [{ client_id: 'alpha-client', client_secret: clientSecret,
        redirect_uris: ['https://auth.example.com/oauth2/callback'] }] });
      registerSecret(clientSecret);
      const r = render({
        config: { cookieSecret },
        alphaConfig: {
          enabled: true,
          configData: {
            providers: [{ id: 'idp', provider: 'oidc', clientID: 'alpha-client', clientSecret: '${ALPHA_CLIENT_SECRET}',
              oidcConfig: { issuerURL: idp.issuer } }],
            injectResponseHeaders: [{ name: 'X-Auth-Request-Email', values: [{ claimSource: { claim: 'email' } }] }],
          },
          configFile: 'upstreamConfig:\n  upstreams:\n    - id: app\n      path: /\n      uri: http://127.0.0.1:{{ .Values.echoPort }}\n',
        },
        echoPort,
        extraEnv: [{ name: 'ALPHA_CLIENT_SECRET', value: clientSecret }],
        extraArgs: { 'redirect-url': 'https://auth.example.com/oauth2/callback' },
      });
      assert.equal(r.status, 0, r.stderr);
      docs = r.docs;
    });
    after(async () => { await idp?.close(); echo?.close(); });

    test('renders the alpha file into a ConfigMap mounted and passed with --alpha-config', () => {
      const alpha = of(docs, 'ConfigMap').find((m) => m.metadata.name === 'sso-gatehouse-alpha');
      assert.ok(alpha, 'no alpha ConfigMap');
      const yaml = parseAllDocuments(alpha.data['oauth2_proxy.yml'])[0].toJS();
      assert.equal(yaml.server.bindAddress, '0.0.0.0:4180');
      assert.equal(yaml.metricsServer.bindAddress, '0.0.0.0:44180');
      assert.equal(yaml.providers[0].clientID, 'alpha-client');
      assert.equal(yaml.upstreamConfig.upstreams[0].uri.startsWith('http://127.0.0.1:'), true);  // configFile went through tpl
      const pod = of(docs, 'Deployment')[0].spec.template.spec;
      const c = pod.containers[0];
      assert.ok(c.args.includes('--alpha-config=/etc/oauth2_proxy/alpha/oauth2_proxy.yml'));
      // The listeners and the provider's client come from the alpha file: their flags and variables are absent.
      assert.ok(!c.args.some((a) => a.startsWith('--http-address') || a.startsWith('--metrics-address')), c.args.join(' '));
      assert.ok(!c.env.some((e) => e.name === 'OAUTH2_PROXY_CLIENT_ID' || e.name === 'OAUTH2_PROXY_CLIENT_SECRET'));
      assert.ok(c.volumeMounts.some((m) => m.name === 'alpha-config' && m.mountPath === '/etc/oauth2_proxy/alpha'));
      assert.equal(pod.volumes.find((v) => v.name === 'alpha-config').configMap.name, 'sso-gatehouse-alpha');
      // The chart's default cfg keeps only its email domains: its upstreams line belongs to the alpha file now.
      const cfg = of(docs, 'ConfigMap').find((m) => m.metadata.name === 'sso-gatehouse').data['oauth2_proxy.cfg'];
      assert.equal(cfg, 'email_domains = ["*"]');
      assert.match(of(docs, 'Deployment')[0].spec.template.metadata.annotations['checksum/alpha-config'], /^[0-9a-f]{64}$/);
    });

    test('alphaConfig.existingSecret: that Secret is mounted, no alpha ConfigMap rendered', () => {
      const r = render({ alphaConfig: { enabled: true, existingSecret: 'my-alpha' } });
      assert.equal(r.status, 0, r.stderr);
      assert.ok(!of(r.docs, 'ConfigMap').some((m) => m.metadata.name.endsWith('-alpha')));
      const pod = of(r.docs, 'Deployment')[0].spec.template.spec;
      assert.equal(pod.volumes.find((v) => v.name === 'alpha-config').secret.secretName, 'my-alpha');
    });

    test('the rendered command line starts a Gatehouse that becomes ready from the alpha file', async () => {
      const dir = tempDir('helm-alpha');
      const files = {};
      for (const m of of(docs, 'ConfigMap')) {
        for (const [k, v] of Object.entries(m.data)) {
          files[k] = path.join(dir, `${m.metadata.name}-${k}`);
          fs.writeFileSync(files[k], v);
        }
      }
      const [http, metrics] = [await freePort(), await freePort()];
      fs.writeFileSync(files['oauth2_proxy.yml'], fs.readFileSync(files['oauth2_proxy.yml'], 'utf8')
        .replace('0.0.0.0:4180', `127.0.0.1:${http}`).replace('0.0.0.0:44180', `127.0.0.1:${metrics}`));
      const c = of(docs, 'Deployment')[0].spec.template.spec.containers[0];
      const secrets = Object.fromEntries(of(docs, 'Secret').flatMap((s) =>
        Object.entries(s.data).map(([k, v]) => [`${s.metadata.name}/${k}`, Buffer.from(v, 'base64').toString()])));
      const env = Object.fromEntries(c.env.map((e) =>
        [e.name, e.value ?? secrets[`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`]]));
      const args = c.args.map((a) => a
        .replace('/etc/oauth2_proxy/oauth2_proxy.cfg', files['oauth2_proxy.cfg'])
        .replace('/etc/oauth2_proxy/alpha/oauth2_proxy.yml', files['oauth2_proxy.yml']));
      const gh = spawnGatehouse(args, env);
      try {
        await Promise.race([waitForPort(http),
          gh.exited.then(({ code }) => { throw new Error(`gatehouse exited with ${code}:\n${gh.output}`); })]);
        await waitForReady(http);
        assert.equal((await fetch(`http://127.0.0.1:${metrics}/metrics`)).status, 200);
        const r = await fetch(`http://127.0.0.1:${http}/some/page`, { redirect: 'manual', headers: { accept: 'text/html' } });
        // An anonymous request is sent to sign in; the alpha file's upstream (the echo app) never answers it.
        assert.ok(!(await r.text()).includes('"url"'), `an anonymous request reached the upstream (${r.status})`);
      } finally {
        await gh.stop();
      }
    });
  });

  describe('an oauth2-proxy chart values file, copied as it is', () => {
    let idp, redis, docs;
    const clientSecret = 'helm-client-secret';
    before(async () => {
      idp = await startIdp({ port: await freePort(), clients: [{ client_id: 'sso-client', client_secret: clientSecret,
        redirect_uris: ['https://auth.example.com/oauth2/callback'] }] });
      redis = await startRedis(['--requirepass', 'helm-redis-password']);
      registerSecret(clientSecret, 'helm-redis-password');
      // Keys and shapes as the oauth2-proxy chart documents them.
      const values = {
        config: {
          clientID: 'sso-client', clientSecret, cookieSecret,
          configFile: [
            'provider = "oidc"', 'email_domains = [ "gatehouse.test" ]', 'cookie_domains = [ ".example.com" ]',
            'whitelist_domains = [ ".example.com" ]', 'redirect_url = "https://auth.example.com/oauth2/callback"',
            'reverse_proxy = true', 'set_xauthrequest = true', 'upstreams = [ "static://202" ]'].join('\n'),
        },
        extraArgs: { 'oidc-issuer-url': idp.issuer, 'skip-provider-button': true, 'trusted-proxy-ip': ['10.0.0.0/8', '192.168.0.0/16'] },
        authenticatedEmailsFile: { enabled: true, restricted_access: 'alice@gatehouse.test\nbob@gatehouse.test\n' },
        sessionStorage: { type: 'redis', redis: { password: 'helm-redis-password', clientType: 'standalone',
          standalone: { connectionUrl: `redis://127.0.0.1:${redis.port}` } } },
        ingress: { enabled: true, className: 'nginx', hosts: ['auth.example.com'], tls: [{ secretName: 'auth-tls', hosts: ['auth.example.com'] }] },
        metrics: { servicemonitor: { enabled: true } },
        extraObjects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '{{ .Release.Name }}-extra' }, data: { a: 'b' } }],
      };
      const r = render(values);
      assert.equal(r.status, 0, r.stderr);
      docs = r.docs;
    });
    after(async () => { await idp?.close(); await redis?.stop(); });

    test('renders the objects that values file asks for', () => {
      assert.deepEqual(docs.map((d) => d.kind).sort(), ['ConfigMap', 'ConfigMap', 'ConfigMap', 'Deployment', 'Ingress',
        'PodDisruptionBudget', 'Secret', 'Secret', 'Service', 'ServiceAccount', 'ServiceMonitor']);
      const [ing] = of(docs, 'Ingress');
      assert.equal(ing.spec.rules[0].host, 'auth.example.com');
      assert.equal(ing.spec.rules[0].http.paths[0].path, '/oauth2');
      assert.equal(ing.spec.rules[0].http.paths[0].backend.service.name, of(docs, 'Service')[0].metadata.name);
      assert.equal(of(docs, 'ServiceMonitor')[0].spec.endpoints[0].port, 'metrics');
      assert.ok(of(docs, 'ConfigMap').some((m) => m.metadata.name === 'sso-extra'));
    });

    test('the rendered Deployment starts a Gatehouse that becomes ready, and gatehouse doctor finds it clean', async () => {
      const dir = tempDir('helm-pod');
      const files = {};  // what the kubelet would mount: ConfigMap keys as files
      for (const m of of(docs, 'ConfigMap')) {
        for (const [k, v] of Object.entries(m.data)) {
          fs.writeFileSync(path.join(dir, `${m.metadata.name}-${k}`), v);
          files[k] = path.join(dir, `${m.metadata.name}-${k}`);
        }
      }
      const secrets = Object.fromEntries(of(docs, 'Secret').flatMap((s) =>
        Object.entries(s.data).map(([k, v]) => [`${s.metadata.name}/${k}`, Buffer.from(v, 'base64').toString()])));
      const c = of(docs, 'Deployment')[0].spec.template.spec.containers[0];
      const env = Object.fromEntries(c.env.map((e) =>
        [e.name, secrets[`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`]]));
      assert.equal(env.OAUTH2_PROXY_REDIS_PASSWORD, 'helm-redis-password');
      const [http, metrics] = [await freePort(), await freePort()];
      const args = c.args.map((a) => a
        .replace('/etc/oauth2_proxy/oauth2_proxy.cfg', files['oauth2_proxy.cfg'])
        .replace('/etc/oauth2-proxy/restricted_user_access', files.restricted_user_access)
        .replace('0.0.0.0:4180', `127.0.0.1:${http}`)
        .replace('0.0.0.0:44180', `127.0.0.1:${metrics}`));
      assert.ok(args.includes('--skip-provider-button'));
      assert.ok(args.includes('--trusted-proxy-ip=192.168.0.0/16'));
      const gh = spawnGatehouse(args, env);
      try {
        await waitForPort(http);
        await waitForReady(http);  // IdP discovered and Redis answering with the password from the Secret
        assert.equal((await fetch(`http://127.0.0.1:${metrics}/metrics`)).status, 200);
        assert.equal((await fetch(`http://127.0.0.1:${http}/oauth2/auth`)).status, 401);
      } finally {
        await gh.stop();
      }
      const doctor = await runGatehouse(['doctor', ...args, '--protected-url=https://app1.example.com/'], env);
      assert.equal(doctor.code, 0, doctor.output);
      assert.match(doctor.output, /ok {7}cookie-size: Redis sessions/);
      assert.match(doctor.output, /- clean$/m);
    });
  });
});
