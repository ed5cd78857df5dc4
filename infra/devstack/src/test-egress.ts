import { createEgressPolicy, type EgressPolicy, type PlatformService } from '@latchkey/egress';
import { testServices } from './test-db';

/**
 * The egress policy tests run with: production's rules (default deny, the test run's PostgreSQL
 * and Temporal refused as the platform's own), no allow rules. A test opens each loopback
 * server it starts, port by port, with `allowEgress`.
 */
export function createTestEgress(options: { platform?: PlatformService[] } = {}): EgressPolicy {
  const { pgAdminUrl, temporalAddress } = testServices();
  const db = new URL(pgAdminUrl);
  const [temporalHost = '127.0.0.1', temporalPort = '7233'] = temporalAddress.split(/:(?=\d+$)/);
  return createEgressPolicy({
    platform: [
      {
        name: "the platform's PostgreSQL (DATABASE_URL)",
        host: db.hostname,
        port: Number(db.port || 5432),
      },
      {
        name: 'the Temporal frontend (TEMPORAL_ADDRESS)',
        host: temporalHost,
        port: Number(temporalPort),
      },
      ...(options.platform ?? []),
    ],
  });
}

/** Lets the policy reach exactly this URL's address and port (a test's own loopback server). */
export function allowEgress(egress: Pick<EgressPolicy, 'allow'>, url: string): void {
  const { hostname, port, protocol } = new URL(url);
  const effective = port || (protocol === 'https:' ? '443' : protocol === 'http:' ? '80' : '');
  if (!effective) throw new Error(`allowEgress: ${url} names no port`);
  egress.allow(`${hostname}:${effective}`);
}
