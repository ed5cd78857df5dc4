export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

const TONES: Record<string, Tone> = {
  active: 'ok',
  succeeded: 'ok',
  running: 'info',
  pending: 'info',
  needs_reauth: 'warn',
  insufficient_scope: 'warn',
  unhealthy: 'bad',
  error: 'bad',
  // Event deliveries.
  delivered: 'ok',
  no_endpoint: 'muted',
  failed: 'bad',
  cancelled: 'muted',
  // Credential test outcomes.
  ok: 'ok',
  invalid_credentials: 'bad',
  unreachable: 'warn',
  unexpected_status: 'warn',
};

/** A run or connection status; the text carries the meaning, the colour only repeats it. */
export function StatusBadge({ status, tone }: { status: string; tone?: Tone }) {
  return (
    <span className={`badge badge-${tone ?? TONES[status] ?? 'muted'}`}>
      {status.replace(/_/g, ' ')}
    </span>
  );
}
