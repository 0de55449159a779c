// The sample backend: answers every request with the request's method, URL and headers as JSON, so a
// test can see exactly what nginx passed on after Gatehouse said yes.
import http from 'node:http';

export function startEchoApp(port) {
  const server = http.createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
    const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? 8081);
  startEchoApp(port).then(() => console.log(`echo app on http://127.0.0.1:${port}`));
}
