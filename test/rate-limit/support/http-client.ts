/**
 * A plain node:http GET for the HTTP variant of the concurrency test. One keep-alive agent per
 * worker bounds the sockets while still keeping many requests in flight at once.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export function loopbackAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

export function get(port: number, path: string, agent: Agent): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent, headers: { host: 'api.example' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
