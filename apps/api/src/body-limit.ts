import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';

/** Request bodies larger than this are refused with 413 unless configured otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function bodyTooLargeMessage(maxBytes: number): string {
  return `Request body too large: at most ${maxBytes} bytes (LATCHKEY_MAX_BODY_BYTES)`;
}

/**
 * Refuses, before reading a byte of it, a body whose declared length is over the limit: 413 in
 * tRPC's error shape. A body without a length (chunked) is counted as it arrives by tRPC's
 * `maxBodySize`, which answers the same. Either way the rest is not kept: see lingerThenClose.
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
  res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  return true;
}

/** How long the rest of an unwanted body is discarded before the connection is dropped. */
export const LINGER_MS = 2_000;

/**
 * After an answer sent before the request's body was all read (413, or 401 before the body
 * mattered): the rest is discarded as it comes (never buffered) for at most LINGER_MS, then
 * the connection is dropped. Closing at once would make the kernel reset the connection while
 * the client is still sending, and a reset can destroy the answer before the client reads it
 * (the "lingering close" web servers do); waiting for the whole body would let a client keep
 * the server reading for as long as it likes.
 */
export function lingerThenClose(req: IncomingMessage, ms = LINGER_MS): void {
  if (req.complete) return;
  req.resume();
  const timer = setTimeout(() => req.socket.destroy(), ms);
  timer.unref();
  req.once('end', () => clearTimeout(timer));
  req.socket.once('close', () => clearTimeout(timer));
}
