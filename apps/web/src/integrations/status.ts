import type { Connection, Integration } from '../api/types';
import type { Tone } from '../ui/StatusBadge';

/**
 * An integration has no status of its own: what matters is whether it can be used, which is
 * its stored credentials, or for OAuth its users' connections.
 */
export function integrationStatus(
  integration: Integration,
  connections: Connection[],
): { label: string; tone: Tone } {
  const own = connections.filter((c) => c.integrationId === integration.id);
  if (integration.oauth) {
    if (own.length === 0) return { label: 'No connections yet', tone: 'muted' };
    const active = own.filter((c) => c.status === 'active').length;
    const attention = own.length - active;
    const parts = [`${active} connected`];
    if (attention > 0) parts.push(`${attention} need${attention === 1 ? 's' : ''} attention`);
    return { label: parts.join(' · '), tone: attention > 0 ? 'warn' : 'ok' };
  }
  if (integration.auth?.type === 'none') return { label: 'No credentials needed', tone: 'ok' };
  const stored = integration.credentials.length;
  if (stored > 0) {
    return { label: `${stored} credential${stored === 1 ? '' : 's'} stored`, tone: 'ok' };
  }
  if (own.length > 0) return { label: `${own.length} user connection(s)`, tone: 'ok' };
  return { label: 'No credentials stored', tone: 'warn' };
}
