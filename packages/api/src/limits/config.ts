/**
 * Limits at the door: how much one client, key or tenant may ask of the api. Each is set by an
 * environment variable of the api (apps/api/src/env.ts, README "Limits"); tests pass their own.
 */
export interface DoorLimits {
  /** Failed authentications one client address may make per window before it must wait. */
  authFailuresPerAddress: number;
  /** Failed authentications with one key prefix (`lk_` + 8 characters), from any address. */
  authFailuresPerKeyPrefix: number;
  /** The failure window, and how long a client address or key prefix then waits. */
  authFailureWindowSeconds: number;
  /** Calls one API key may make per second, sustained. */
  keyCallsPerSecond: number;
  /** Further calls one API key may make in a burst, per 10 seconds, above the sustained rate. */
  keyCallsBurst: number;
  /** Runs one tenant may have unfinished (pending or running) at once. */
  maxUnfinishedRunsPerTenant: number;
  /**
   * Proxies in front of the api whose X-Forwarded-For is believed: IPs and CIDR ranges (none:
   * the socket's address is the client's). Behind a load balancer, and for the MCP server,
   * this must be set, or every client shares the proxy's address and its failed-authentication
   * budget (limits/client-address.ts).
   */
  trustedProxies: readonly string[];
}

export const DEFAULT_DOOR_LIMITS: Readonly<DoorLimits> = {
  authFailuresPerAddress: 30,
  authFailuresPerKeyPrefix: 100,
  authFailureWindowSeconds: 900,
  keyCallsPerSecond: 100,
  keyCallsBurst: 1000,
  maxUnfinishedRunsPerTenant: 1000,
  trustedProxies: [],
};

/** Largest page any list procedure returns; asking for more is BAD_REQUEST. */
export const MAX_PAGE_SIZE = 500;
