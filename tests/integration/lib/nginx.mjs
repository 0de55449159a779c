// A real nginx (Debian package) in its own prefix directory, run in the foreground as a single process.
import fs from 'node:fs';
import path from 'node:path';
import { Proc, tempDir, waitForPort } from './processes.mjs';

export const nginxBin = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

// `servers` is the body of the http{} block (upstreams and server blocks) for the test's topology.
export async function startNginx(port, servers) {
  const prefix = tempDir('nginx');
  for (const d of ['logs', 'tmp']) fs.mkdirSync(path.join(prefix, d));
  const conf = `
daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  large_client_header_buffers 4 32k;
  ${servers}
}`;
  const confPath = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(confPath, conf);
  const proc = new Proc(nginxBin, ['-p', prefix, '-c', confPath]);
  proc.prefix = prefix;
  await Promise.race([
    waitForPort(port),
    proc.exited.then(({ code }) => {
      throw new Error(`nginx exited with ${code}:\n${proc.output}\n${readErrorLog(prefix)}`);
    }),
  ]);
  return proc;
}

export function readErrorLog(prefix) {
  try { return fs.readFileSync(path.join(prefix, 'logs/error.log'), 'utf8'); } catch { return ''; }
}

// The auth_request chain the README recommends: ask Gatehouse, copy the identity headers to the app,
// send a 401 to sign-in.
export function authRequestServer({ listenPort, gatehousePort, appPort, signinUrl, authQuery = '' }) {
  return `
  upstream gatehouse { server 127.0.0.1:${gatehousePort}; keepalive 16; }
  upstream app { server 127.0.0.1:${appPort}; keepalive 16; }
  server {
    listen 127.0.0.1:${listenPort};
    location = /_gatehouse_auth {
      internal;
      proxy_pass http://gatehouse/oauth2/auth${authQuery};
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL $scheme://$host$request_uri;
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffer_size 64k;
      proxy_buffers 4 64k;
    }
    location @signin {
      return 302 ${signinUrl}?rd=$scheme://$http_host$request_uri;
    }
    location / {
      auth_request /_gatehouse_auth;
      error_page 401 = @signin;
      auth_request_set $gh_user $upstream_http_x_auth_request_user;
      auth_request_set $gh_email $upstream_http_x_auth_request_email;
      auth_request_set $gh_groups $upstream_http_x_auth_request_groups;
      auth_request_set $gh_username $upstream_http_x_auth_request_preferred_username;
      auth_request_set $gh_token $upstream_http_x_auth_request_access_token;
      proxy_set_header X-Auth-Request-User $gh_user;
      proxy_set_header X-Auth-Request-Email $gh_email;
      proxy_set_header X-Auth-Request-Groups $gh_groups;
      proxy_set_header X-Auth-Request-Preferred-Username $gh_username;
      proxy_set_header X-Auth-Request-Access-Token $gh_token;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_pass http://app;
    }
  }`;
}
