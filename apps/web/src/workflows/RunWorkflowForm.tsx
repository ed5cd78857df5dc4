import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { trpc } from '../api/trpc';
import { Field } from '../ui/Field';
import { ErrorMessage, Notice } from '../ui/feedback';
import { parseJson } from '../ui/json';

/** Starts a run and returns at once; the runs table below follows it live. */
export function RunWorkflowForm({ workflowId }: { workflowId: string }) {
  const [payload, setPayload] = useState('{}');
  const [userId, setUserId] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const execute = useMutation({
    mutationFn: (parsedPayload: unknown) =>
      trpc.runs.execute.mutate({
        workflowId,
        payload: parsedPayload,
        userId: userId.trim() || undefined,
        wait: false,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['runs'] }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseJson('Payload', payload.trim() || 'null');
    setFormError(parsed.ok ? null : parsed.error);
    if (parsed.ok) execute.mutate(parsed.value);
  };

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="run-heading">
      <h2 id="run-heading">Start a run</h2>
      <Field label="Payload (JSON)" hint="Available to steps as <<input.name>>.">
        {(control) => (
          <textarea
            {...control}
            className="code"
            rows={4}
            spellCheck={false}
            value={payload}
            onChange={(event) => setPayload(event.target.value)}
          />
        )}
      </Field>
      <Field label="End user ID (optional)" hint="Runs with this user's connections.">
        {(control) => (
          <input {...control} value={userId} onChange={(event) => setUserId(event.target.value)} />
        )}
      </Field>
      <ErrorMessage error={formError ?? execute.error} />
      {execute.data ? (
        <Notice tone="ok">Run started ({execute.data.runId.slice(0, 8)}); see it below.</Notice>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={execute.isPending}>
          {execute.isPending ? 'Starting…' : 'Start run'}
        </button>
      </div>
    </form>
  );
}
