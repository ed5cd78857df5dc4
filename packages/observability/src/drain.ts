import type { Server } from 'node:http';

/**
 * Graceful stop for an HTTP server: stop accepting, let requests in flight finish (up to
 * `graceMs`), close keep-alive sockets as they fall idle, then cut whatever is left.
 * Installed before the server listens, so every request is counted.
 */
export function trackInFlight(server: Server) {
  let inFlight = 0;
  let draining = false;
  const idle: Array<() => void> = [];
  server.on('request', (_req, res) => {
    inFlight += 1;
    // While draining, a keep-alive client is told to reconnect (to another process).
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight -= 1;
      if (draining) server.closeIdleConnections();
      if (inFlight === 0) for (const wake of idle.splice(0)) wake();
    });
  });
  return {
    inFlight: () => inFlight,
    draining: () => draining,
    /** Resolves true when every request finished in time, false when some were cut. */
    async drain(graceMs: number): Promise<boolean> {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        new Promise<boolean>((resolve) => {
          if (inFlight === 0) resolve(true);
          else idle.push(() => resolve(true));
        }),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
      return finished;
    },
  };
}
