import type { Socket } from 'node:net';
import type { Agent } from 'undici';
import { EgressRefusedError } from './errors';
import { checkedFetch, createCheckedAgent } from './http';
import { checkedPgStream } from './pg';
import { type CheckedAddress, createEgressChecker, type EgressPolicyOptions } from './policy';

/**
 * The one egress policy of a process: everything a tenant can make the platform connect to
 * goes through it (HTTP steps and their redirects and pages, SQL steps, OAuth endpoints of
 * tenant-defined integrations, credential tests). Build it once at start and pass it down.
 */
export interface EgressPolicy {
  check(host: string, port: number): Promise<CheckedAddress>;
  /**
   * Checks a URL's host and port before anything is sent (for a clear early refusal); the
   * connection itself is checked again when made. DNS failures are not refusals and pass here.
   */
  checkUrl(url: string | URL): Promise<void>;
  /** `fetch` whose every connection is checked. */
  fetch: typeof fetch;
  /** The checked undici dispatcher behind `fetch`. */
  dispatcher: Agent;
  /** For `pg`: `new pg.Client({ ..., stream: egress.pgStream })`. */
  pgStream: () => Socket;
  /** Adds an allow rule, e.g. `127.0.0.1:18998` (tests open their loopback servers with it). */
  allow(rule: string): void;
  readonly rules: readonly string[];
  close(): Promise<void>;
}

const DEFAULT_PORTS: Record<string, number> = {
  'http:': 80,
  'https:': 443,
  'postgres:': 5432,
  'postgresql:': 5432,
};

export function createEgressPolicy(options: EgressPolicyOptions = {}): EgressPolicy {
  const checker = createEgressChecker(options);
  const dispatcher = createCheckedAgent(checker);
  return {
    check: checker.check,
    async checkUrl(input) {
      const url = typeof input === 'string' ? new URL(input) : input;
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
      if (!host || port === undefined) return;
      try {
        await checker.check(decodeURIComponent(host), port);
      } catch (error) {
        if (error instanceof EgressRefusedError) throw error;
      }
    },
    fetch: checkedFetch(dispatcher),
    dispatcher,
    pgStream: checkedPgStream(checker),
    allow: checker.allow,
    get rules() {
      return checker.rules;
    },
    close: () => dispatcher.close(),
  };
}
