import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { queries } from '../api/queries';
import { trpc } from '../api/trpc';
import { paths } from '../paths';
import { Link } from '../router';
import { Field } from '../ui/Field';
import { ErrorMessage, Loading, Notice } from '../ui/feedback';
import { parseJson } from '../ui/json';

const STEPS_EXAMPLE = `[
  {
    "id": "customers",
    "integrationId": "stripe",
    "method": "GET",
    "path": "/customers",
    "query": { "limit": 10 }
  }
]`;

/** Saves a workflow (a new version when the id exists) from explicit steps, or asks the planner. */
export function BuildWorkflowForm() {
  const [id, setId] = useState('');
  const [instruction, setInstruction] = useState('');
  const [integrationIds, setIntegrationIds] = useState<string[]>([]);
  const [steps, setSteps] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const integrations = useQuery(queries.integrations());
  const queryClient = useQueryClient();
  const build = useMutation({
    mutationFn: (parsedSteps: unknown[] | undefined) =>
      trpc.workflows.build.mutate({
        id: id.trim() || undefined,
        instruction,
        integrationIds,
        steps: parsedSteps,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['workflows'] }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    let parsedSteps: unknown[] | undefined;
    if (steps.trim()) {
      const parsed = parseJson('Steps', steps);
      if (!parsed.ok) return setFormError(parsed.error);
      if (!Array.isArray(parsed.value)) {
        return setFormError('Steps: must be a JSON array of step objects.');
      }
      parsedSteps = parsed.value;
    }
    if (integrationIds.length === 0) return setFormError('Integrations: choose at least one.');
    build.mutate(parsedSteps);
  };
  const toggle = (integrationId: string, on: boolean) =>
    setIntegrationIds((ids) =>
      on ? [...ids, integrationId] : ids.filter((other) => other !== integrationId),
    );

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="build-heading">
      <h2 id="build-heading">Build a workflow</h2>
      <div className="field-row">
        <Field label="Workflow ID" hint="Optional; made from the instruction when empty.">
          {(control) => (
            <input
              {...control}
              value={id}
              onChange={(event) => setId(event.target.value)}
              placeholder="stripe-customers"
            />
          )}
        </Field>
      </div>
      <Field label="Instruction">
        {(control) => (
          <textarea
            {...control}
            rows={2}
            required
            value={instruction}
            onChange={(event) => setInstruction(event.target.value)}
            placeholder="Get all Stripe customers created since a date"
          />
        )}
      </Field>
      <fieldset>
        <legend>Integrations</legend>
        {integrations.isPending ? <Loading what="integrations" /> : null}
        <ErrorMessage error={integrations.error} />
        {integrations.data?.length === 0 ? (
          <p className="hint">
            No integrations yet: <Link to={paths.addIntegration}>add one</Link> first.
          </p>
        ) : null}
        <div className="checks">
          {integrations.data?.map((integration) => (
            <label className="check" key={integration.id}>
              <input
                type="checkbox"
                checked={integrationIds.includes(integration.id)}
                onChange={(event) => toggle(integration.id, event.target.checked)}
              />
              {integration.name} <code>{integration.id}</code>
            </label>
          ))}
        </div>
      </fieldset>
      <Field
        label="Steps (JSON)"
        hint="An array of HTTP or SQL steps. Leave empty to have the configured planner write them."
      >
        {(control) => (
          <textarea
            {...control}
            className="code"
            rows={10}
            spellCheck={false}
            value={steps}
            onChange={(event) => setSteps(event.target.value)}
            placeholder={STEPS_EXAMPLE}
          />
        )}
      </Field>
      <ErrorMessage error={formError ?? build.error} />
      {build.data ? (
        <Notice tone={build.data.warnings.length ? 'warn' : 'ok'}>
          Built <Link to={paths.workflow(build.data.id)}>{build.data.id}</Link> version{' '}
          {build.data.version}.
          {build.data.warnings.length ? (
            <ul>
              {build.data.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          ) : null}
        </Notice>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={build.isPending}>
          {build.isPending ? 'Building…' : 'Build workflow'}
        </button>
      </div>
    </form>
  );
}
