/**
 * The raw HTTP client the conformance suite relies on: it must send exactly the bytes it is given
 * and parse every framing a server may use, and it must fail (not hang) when no answer comes.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { buildRequest, encodeChunk, exchange, headerValue, headerValues, LAST_CHUNK, RawHttpError } from './raw-http.js';

/** A TCP server whose behaviour per connection is given by the test; records what it received. */
async function rawServer(onConnection: (socket: Socket, received: () => Buffer) => void): Promise<{ port: number; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let received = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
    });
    onConnection(socket, () => received);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server, sockets };
}

const servers: { server: Server; sockets: Set<Socket> }[] = [];
after(async () => {
  for (const { server, sockets } of servers) {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function serve(onConnection: (socket: Socket, received: () => Buffer) => void): Promise<number> {
  const s = await rawServer(onConnection);
  servers.push(s);
  return s.port;
}

/** Answers `response` once the request head (up to the blank line) has arrived. */
function answerAfterHead(response: string | Buffer, then: 'keep' | 'end' = 'keep') {
  return (socket: Socket, received: () => Buffer): void => {
    socket.on('data', () => {
      if (received().includes('\r\n\r\n') && !socket.writableEnded) {
        socket.write(response);
        if (then === 'end') socket.end();
      }
    });
  };
}

describe('raw-http client', () => {
  it('sends the request bytes exactly as built: odd targets, duplicate headers, raw bytes', async () => {
    let seen: Buffer = Buffer.alloc(0);
    const port = await serve((socket, received) => {
      socket.on('data', () => {
        seen = received();
        if (seen.includes('\r\n\r\n{"a"')) socket.end('HTTP/1.1 204 No Content\r\n\r\n');
      });
    });
    const bytes = buildRequest({
      method: 'POST',
      target: '/a/../%2e%2e/x\\y?q=%zz',
      headers: [
        ['Host', 'h'],
        ['X-Dup', '1'],
        ['x-dup', '2'],
        ['X-Latin', 'caf\xe9'],
      ],
      body: '{"a"',
    });
    const response = await exchange({ port, send: bytes });
    assert.equal(response.status, 204);
    assert.deepEqual(seen, bytes);
    assert.equal(seen.toString('latin1'), 'POST /a/../%2e%2e/x\\y?q=%zz HTTP/1.1\r\nHost: h\r\nX-Dup: 1\r\nx-dup: 2\r\nX-Latin: caf\xe9\r\n\r\n{"a"');
  });

  it('parses a content-length body and keeps duplicate headers in order', async () => {
    const port = await serve(answerAfterHead('HTTP/1.1 200 OK\r\nVary: Origin\r\nX-A: 1\r\nvary: Accept\r\nContent-Length: 5\r\n\r\nhello'));
    const response = await exchange({ port, send: 'GET / HTTP/1.1\r\nHost: h\r\n\r\n' });
    assert.equal(response.status, 200);
    assert.equal(response.statusText, 'OK');
    assert.equal(response.framing, 'content-length');
    assert.deepEqual(headerValues(response, 'Vary'), ['Origin', 'Accept']);
    assert.equal(headerValue(response, 'x-a'), '1');
    assert.deepEqual(response.headers.map(([n]) => n), ['vary', 'x-a', 'vary', 'content-length']);
    assert.equal(response.body.toString(), 'hello');
  });

  it('parses a chunked body with trailers, even when it arrives byte by byte', async () => {
    const wire = `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${encodeChunk('hel').toString('latin1')}${encodeChunk('lo!').toString('latin1')}0\r\nX-Trailer: t\r\n\r\n`;
    const port = await serve((socket, received) => {
      socket.on('data', async () => {
        if (!received().includes('\r\n\r\n') || socket.writableEnded) return;
        for (const byte of Buffer.from(wire, 'latin1')) {
          if (socket.destroyed) return;
          socket.write(Buffer.from([byte]));
          await new Promise((resolve) => setImmediate(resolve));
        }
      });
    });
    const response = await exchange({ port, send: 'GET / HTTP/1.1\r\nHost: h\r\n\r\n' });
    assert.equal(response.framing, 'chunked');
    assert.equal(response.body.toString(), 'hello!');
  });

  it('reads a body delimited by the connection closing', async () => {
    const port = await serve(answerAfterHead('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end', 'end'));
    const response = await exchange({ port, send: 'GET / HTTP/1.1\r\nHost: h\r\n\r\n' });
    assert.equal(response.framing, 'close');
    assert.equal(response.body.toString(), 'until the end');
  });

  it('ignores content-length on an answer to HEAD and skips 100 Continue', async () => {
    const port = await serve(answerAfterHead('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 403 Forbidden\r\nContent-Length: 120\r\n\r\n'));
    const response = await exchange({ port, send: 'HEAD / HTTP/1.1\r\nHost: h\r\n\r\n', headRequest: true });
    assert.equal(response.status, 403);
    assert.equal(response.body.length, 0);
  });

  it('fails with a RawHttpError, not a hang, when no answer comes', async () => {
    const port = await serve(() => undefined);
    await assert.rejects(exchange({ port, send: 'GET / HTTP/1.1\r\nHost: h\r\n\r\n', timeoutMs: 100 }), (error: unknown) => {
      assert.ok(error instanceof RawHttpError);
      assert.match(error.message, /no complete response within 100 ms/);
      return true;
    });
  });

  it('fails when the connection closes in the middle of a content-length body', async () => {
    const port = await serve(answerAfterHead('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort', 'end'));
    await assert.rejects(exchange({ port, send: 'GET / HTTP/1.1\r\nHost: h\r\n\r\n' }), /connection closed before a complete response/);
  });

  it('fails on a malformed status line', async () => {
    const port = await serve(answerAfterHead('HTTP/1.1 OK\r\n\r\n'));
    await assert.rejects(exchange({ port, send: 'GET / HTTP/1.1\r\nHost: h\r\n\r\n' }), /malformed status line/);
  });

  it('floods chunks until the server answers, and keeps the answer when the server then resets', async () => {
    let bodyBytes = 0;
    const port = await serve((socket, received) => {
      socket.on('data', () => {
        const all = received();
        const start = all.indexOf('\r\n\r\n');
        if (start === -1 || socket.writableEnded) return;
        bodyBytes = all.length - start - 4;
        if (bodyBytes > 4096) {
          socket.write('HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbig');
          // Reset a moment later: a reset that overtakes the answer makes the client's kernel drop
          // the unread answer (TCP discards received data on RST), which is not what is tested here.
          setTimeout(() => socket.resetAndDestroy(), 50);
        }
      });
    });
    const response = await exchange({
      port,
      send: 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n',
      afterwards: { kind: 'flood', chunk: Buffer.alloc(512, 'a'), maxBytes: 1024 * 1024 },
    });
    assert.equal(response.status, 413);
    assert.equal(response.body.toString(), 'big');
    assert.ok(bodyBytes > 4096 && bodyBytes < 1024 * 1024, `the client stopped flooding once answered (sent ${bodyBytes})`);
  });

  it('stalls without ending the body; the server sees no last chunk', async () => {
    let seen = '';
    const port = await serve((socket, received) => {
      socket.on('data', () => {
        seen = received().toString('latin1');
      });
      setTimeout(() => socket.end('HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n'), 50);
    });
    const response = await exchange({
      port,
      send: Buffer.concat([Buffer.from('POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n'), encodeChunk('{"a":')]),
      afterwards: { kind: 'stall' },
    });
    assert.equal(response.status, 408);
    assert.ok(!seen.endsWith(LAST_CHUNK.toString('latin1')), 'no last chunk was sent');
  });
});
