import net from 'node:net';

/**
 * A loopback listener that speaks just enough of the PostgreSQL protocol to ask a client for a
 * cleartext password (AuthenticationCleartextPassword) and keep whatever it sends: the
 * attacker's listener of the destination-binding tests.
 */
export interface FakePostgres {
  port: number;
  /** Connections accepted so far. */
  connections: () => number;
  /** The passwords clients sent (PasswordMessage bodies). */
  passwords: () => string[];
  /** Every byte received, as latin1 text, for searching. */
  received: () => string;
  close(): Promise<void>;
}

export async function startFakePostgres(): Promise<FakePostgres> {
  let connections = 0;
  const passwords: string[] = [];
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('data', (data) => {
      chunks.push(data);
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code === 80877103) {
            socket.write('N'); // SSLRequest: no TLS here, go on in the clear
            continue;
          }
          started = true;
          // AuthenticationCleartextPassword: 'R', length 8, code 3.
          const ask = Buffer.alloc(9);
          ask.write('R', 0);
          ask.writeInt32BE(8, 1);
          ask.writeInt32BE(3, 5);
          socket.write(ask);
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) return;
        const type = String.fromCharCode(buffer[0] ?? 0);
        const body = buffer.subarray(5, length + 1);
        buffer = buffer.subarray(length + 1);
        if (type === 'p') {
          passwords.push(body.toString('utf8').replace(/\0$/, ''));
          const message = Buffer.from('SFATAL\0C28P01\0Mpassword authentication failed\0\0');
          const error = Buffer.alloc(5);
          error.write('E', 0);
          error.writeInt32BE(message.length + 4, 1);
          socket.end(Buffer.concat([error, message]));
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    connections: () => connections,
    passwords: () => [...passwords],
    received: () => Buffer.concat(chunks).toString('latin1'),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
