import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closeTransformSandbox,
  computeStepResult,
  type IntegrationInfo,
  resolveSqlParams,
  validateAgainstSchema,
  validateWorkflowDefinition,
} from '../src/index';

afterAll(() => closeTransformSandbox());

const integrations: IntegrationInfo[] = [
  {
    id: 'stripe',
    kind: 'http',
    urlHost: 'https://api.stripe.com',
    urlPath: '/v1',
    auth: { type: 'bearer' },
    credentialNames: ['secret_key'],
  },
  {
    id: 'shopdb',
    kind: 'database',
    urlHost: 'postgresql://<<user>>:<<password>>@db.internal:5432',
    urlPath: '/shop',
    credentialNames: ['user', 'password'],
  },
];

describe('the README example (examples/new-stripe-customers.json)', () => {
  it('validates and produces output matching its response schema', async () => {
    const definition = JSON.parse(
      await readFile(new URL('../examples/new-stripe-customers.json', import.meta.url), 'utf8'),
    );
    const result = validateWorkflowDefinition({ ...definition, integrations });
    expect(result).toMatchObject({ ok: true, warnings: { unresolvedCredentials: [] } });
    if (!result.ok) return;
    const [customers, counts] = result.steps;
    if (!customers || !counts || counts.type !== 'sql') throw new Error('unexpected steps');

    const input = { from: 1_714_521_600, to: 1_717_200_000 };
    const raw = [
      { id: 'cus_1', email: 'a@example.com', created: 1_714_600_000 },
      { id: 'cus_2', email: null, created: 1_715_000_000 },
    ];
    const steps: Record<string, unknown> = {};
    steps.newCustomers = await computeStepResult(customers, raw, { input, steps });
    expect(steps.newCustomers).toMatchObject({ ids: ['cus_1', 'cus_2'] });
    expect(resolveSqlParams(counts.params, { input, steps })).toEqual([['cus_1', 'cus_2']]);

    const rows = [{ id: 'cus_1', orders: 3 }];
    const output = await computeStepResult(counts, rows, { input, steps });
    expect(output).toEqual([
      { id: 'cus_1', email: 'a@example.com', createdAt: '2024-05-01T21:46:40.000Z', orders: 3 },
      { id: 'cus_2', email: null, createdAt: '2024-05-06T12:53:20.000Z', orders: 0 },
    ]);
    expect(validateAgainstSchema(definition.responseSchema, output)).toEqual({ ok: true });
  });
});
