/** The env variable an operator sets to open an address; named in every refusal it can fix. */
export const ALLOW_ENV = 'LATCHKEY_EGRESS_ALLOW';

/** The `code` of a refusal, and of a step error made from one. */
export const EGRESS_REFUSED = 'EGRESS_REFUSED';

export type EgressRefusal = 'denied' | 'platform' | 'unix_socket' | 'bad_address';

/**
 * A connection the egress policy refused. Final: retrying reaches the same verdict. The message
 * names the host and port (with the address it resolved to) and the reason, and never holds a
 * secret: only host and port are in it, never userinfo or a path.
 */
export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';
  readonly code = EGRESS_REFUSED;
  constructor(
    readonly refusal: EgressRefusal,
    readonly host: string,
    readonly port: number | undefined,
    readonly reason: string,
    readonly address?: string,
  ) {
    const shownHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    const where = port === undefined ? shownHost : `${shownHost}:${port}`;
    const via = address && address !== host ? ` (${address})` : '';
    const fix =
      refusal === 'denied'
        ? `; an operator can allow it with ${ALLOW_ENV}`
        : refusal === 'platform'
          ? `; the platform's own services are never reachable from steps`
          : '';
    super(`egress to ${where}${via} refused: ${reason}${fix}`);
  }
}

/** The refusal somewhere in `error`'s cause chain (fetch wraps it as `fetch failed`). */
export function findEgressRefusal(error: unknown): EgressRefusedError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current; depth++) {
    if (current instanceof EgressRefusedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
