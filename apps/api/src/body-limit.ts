import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';

/** Request bodies larger than this are refused with 413 unless configured otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function bodyTooLargeMessage(maxBytes: number): string {
  return `Request body too large: at most ${maxBytes} bytes (LATCHKEY_MAX_BODY_BYTES)`;
}

/**
 * Refuses, before reading a byte of it, a body whose declared length is over the limit: 413 in
 * tRPC's error shape, and `Connection: close`, so the server stops reading and the socket goes
 * once the answer is out (Node closes it after a response that says so). A body without a
 * length (chunked) is counted as it arrives by tRPC's `maxBodySize`, which answers the same.
 */
export function refuseDeclaredOversize(
  req: IncomingMessage,
  res: ServerResponse,
  maxBytes: number,
): boolean {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (!(declared > maxBytes)) return false;
  const body = {
    error: {
      message: bodyTooLargeMessage(maxBytes),
      code: TRPC_ERROR_CODES_BY_KEY.PAYLOAD_TOO_LARGE,
      data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 },
    },
  };
  res
    .writeHead(413, { 'content-type': 'application/json', connection: 'close' })
    .end(JSON.stringify(body));
  return true;
}
