import { Socket } from 'node:net';
import { EgressRefusedError } from './errors';
import type { EgressChecker } from './policy';

/**
 * A `stream` factory for `pg` (`new pg.Client({ ..., stream })`): the socket pg gets resolves
 * and checks the host when pg connects it, then dials the checked address. pg keeps the host
 * name for TLS (SNI and certificate check). A Unix socket path (`host=/var/run/postgresql`,
 * which is the platform's own server more often than not) is refused outright.
 */
export function checkedPgStream(checker: EgressChecker): () => Socket {
  return () => {
    const socket = new Socket();
    const dial = socket.connect.bind(socket) as (port: number, host: string) => Socket;
    const refuse = (error: Error) => process.nextTick(() => socket.destroy(error));
    const checkedConnect = (port: unknown, host: unknown): Socket => {
      if (typeof host !== 'string' || !/^\d+$/.test(String(port))) {
        refuse(
          new EgressRefusedError(
            'unix_socket',
            String(typeof host === 'string' ? host : port),
            undefined,
            'Unix socket connections are not allowed',
          ),
        );
        return socket;
      }
      checker.check(host, Number(port)).then(
        (checked) => dial(checked.port, checked.address),
        (error: Error) => socket.destroy(error),
      );
      return socket;
    };
    socket.connect = checkedConnect as unknown as Socket['connect'];
    return socket;
  };
}
