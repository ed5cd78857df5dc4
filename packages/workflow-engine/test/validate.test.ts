import { describe, expect, it } from 'vitest';
import {
  type IntegrationInfo,
  type ValidationResult,
  validateWorkflowDefinition,
  workflowStepSchema,
  workflowStepsSchema,
} from '../src/index';

const stripe: IntegrationInfo = {
  id: 'stripe',
  kind: 'http',
  urlHost: 'https://api.stripe.com',
  urlPath: '/v1',
  auth: { type: 'bearer' },
  credentialNames: ['secret_key'],
};
const shopdb: IntegrationInfo = {
  id: 'shopdb',
  kind: 'database',
  urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:5432',
  urlPath: '/<<database>>',
  credentialNames: ['user', 'password', 'host', 'database'],
};
const crm: IntegrationInfo = {
  id: 'crm',
  kind: 'http',
  urlHost: 'https://crm.example.com',
  urlPath: '/api',
  credentialNames: ['api_key'],
  connectionCredentialNames: ['access_token'],
};
const integrations = [stripe, shopdb, crm];

const listCustomers = {
  id: 'listCustomers',
  integrationId: 'stripe',
  path: '/customers',
  query: { limit: 100, 'created[gte]': '<<input.since>>' },
  pagination: {
    type: 'cursor',
    cursorParam: 'starting_after',
    cursorPath: 'has_more ? data[-1].id : null',
    itemsPath: 'data',
  },
  transform: 'result.{ "id": id, "email": email }',
};
const orders = {
  id: 'orders',
  type: 'sql',
  integrationId: 'shopdb',
  sql: "SELECT id, total FROM orders WHERE customer_id = $1 AND note <> '$9' LIMIT $2",
  params: ['<<steps.listCustomers.0.id>>', 50],
};

function problemsOf(result: ValidationResult) {
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems;
}

function validate(steps: unknown, extra: { inputSchema?: unknown; responseSchema?: unknown } = {}) {
  return validateWorkflowDefinition({ steps, integrations, ...extra });
}

describe('step schemas', () => {
  it('defaults type to http and method to GET', () => {
    const step = workflowStepSchema.parse({ id: 'a', integrationId: 'stripe' });
    expect(step).toMatchObject({ type: 'http', method: 'GET' });
  });

  it('parses a sql step and keeps params as JSON', () => {
    const step = workflowStepSchema.parse(orders);
    expect(step.type).toBe('sql');
  });

  it('rejects 0 and 51 steps', () => {
    expect(workflowStepsSchema.safeParse([]).success).toBe(false);
    const many = Array.from({ length: 51 }, (_, i) => ({ id: `s${i}`, integrationId: 'stripe' }));
    expect(workflowStepsSchema.safeParse(many).success).toBe(false);
    expect(workflowStepsSchema.safeParse(many.slice(0, 50)).success).toBe(true);
  });
});

describe('validateWorkflowDefinition', () => {
  it('accepts a good definition and returns parsed steps', () => {
    const result = validate([listCustomers, orders], {
      inputSchema: {
        type: 'object',
        properties: { since: { type: 'integer' } },
        required: ['since'],
      },
      responseSchema: { type: 'array', items: { type: 'object' } },
    });
    expect(result).toMatchObject({ ok: true, warnings: { unresolvedCredentials: [] } });
    if (!result.ok) return;
    expect(result.steps.map((s) => [s.id, s.type])).toEqual([
      ['listCustomers', 'http'],
      ['orders', 'sql'],
    ]);
    expect(result.steps[0]).toMatchObject({ method: 'GET' });
  });

  it('reports schema problems with their paths', () => {
    const problems = problemsOf(
      validate([
        { id: '1bad', integrationId: 'stripe', method: 'FETCH' },
        { id: 'ok', integrationId: 'stripe', url: 'https://x' },
      ]),
    );
    const paths = problems.map((p) => p.path);
    expect(paths).toContain('steps.0.id');
    expect(paths).toContain('steps.0.method');
    expect(problems.find((p) => p.path === 'steps.1')?.message).toMatch(/url/);
  });

  it('explains bad types, pagination styles and query values', () => {
    expect(
      problemsOf(
        validate([
          { id: 'a', type: 'graphql', integrationId: 'stripe' },
          { id: 'b', integrationId: 'stripe', pagination: { type: 'link', itemsPath: 'a' } },
          { id: 'c', integrationId: 'stripe', query: { a: {} } },
        ]),
      ),
    ).toEqual([
      { path: 'steps.0.type', message: 'type must be "http" or "sql"' },
      { path: 'steps.1.pagination.type', message: 'type must be "cursor", "page" or "offset"' },
      { path: 'steps.2.query.a', message: 'must be a string, number, boolean or null' },
    ]);
  });

  it('reports a non-array, empty steps, a GET body and too many pages', () => {
    expect(problemsOf(validate({ id: 'x' }))[0]?.path).toBe('steps');
    expect(problemsOf(validate([]))[0]?.path).toBe('steps');
    expect(
      problemsOf(validate([{ id: 'a', integrationId: 'stripe', body: { x: 1 } }])).map(
        (p) => p.path,
      ),
    ).toEqual(['steps.0.body']);
    const pages = { ...listCustomers, pagination: { ...listCustomers.pagination, maxPages: 101 } };
    expect(problemsOf(validate([pages])).map((p) => p.path)).toEqual([
      'steps.0.pagination.maxPages',
    ]);
  });

  it('reports duplicate ids on the second occurrence', () => {
    const problems = problemsOf(validate([listCustomers, { ...listCustomers }]));
    expect(problems).toEqual([
      { path: 'steps.1.id', message: 'duplicate step id "listCustomers" (also step 0)' },
    ]);
  });

  it('reports unknown integrations and step types that do not fit the integration', () => {
    const problems = problemsOf(
      validate([
        { id: 'a', integrationId: 'nope' },
        { ...orders, id: 'b', integrationId: 'stripe', params: ['<<input.id>>', 5] },
        { id: 'c', integrationId: 'shopdb' },
      ]),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'steps.0.integrationId',
      'steps.1.type',
      'steps.2.type',
    ]);
    expect(problems[0]?.message).toContain('known: stripe, shopdb, crm');
  });

  it('reports JSONata that does not compile and unusable JSON Schemas', () => {
    const bad = {
      ...listCustomers,
      transform: 'result.{ "id": ',
      pagination: { ...listCustomers.pagination, itemsPath: 'data[', cursorPath: ')' },
    };
    const problems = problemsOf(
      validate([bad], { inputSchema: { type: 'nonsense' }, responseSchema: 'x' }),
    );
    expect(problems.map((p) => p.path).sort()).toEqual([
      'inputSchema',
      'responseSchema',
      'steps.0.pagination.cursorPath',
      'steps.0.pagination.itemsPath',
      'steps.0.transform',
    ]);
    expect(problems.find((p) => p.path === 'steps.0.transform')?.message).toMatch(
      /^JSONata does not compile: .* at position \d+/,
    );
  });

  it('rejects references to later steps, to the step itself and to unknown variables', () => {
    const first = {
      id: 'first',
      integrationId: 'stripe',
      path: '/customers/<<steps.second.id>>',
      query: { self: '<<steps.first.id>>', other: '<<env.HOME>>', ghost: '<<steps.ghost.x>>' },
    };
    const second = { id: 'second', integrationId: 'stripe', path: '/x/<<steps.first.id>>' };
    const problems = problemsOf(validate([first, second]));
    expect(problems).toEqual([
      {
        path: 'steps.0.path',
        message:
          '<<steps.second.id>> refers to step "second", which runs later (a step reads earlier steps only)',
      },
      {
        path: 'steps.0.query.self',
        message: "<<steps.first.id>> refers to this step's own result",
      },
      {
        path: 'steps.0.query.other',
        message: '<<env.HOME>> is not a known variable: use <<input.…>> or <<steps.<id>.…>>',
      },
      { path: 'steps.0.query.ghost', message: '<<steps.ghost.x>> refers to no step "ghost"' },
    ]);
  });

  it('keeps SQL values out of the SQL text', () => {
    const problems = problemsOf(
      validate([
        { ...orders, id: 'a', sql: "SELECT * FROM t WHERE id = '<<input.id>>'", params: [] },
        { ...orders, id: 'b', params: ['<<steps.a.0.id>>'] },
        { ...orders, id: 'c', params: ['<<password>>', 1] },
      ]),
    );
    expect(problems.map((p) => p.path)).toEqual([
      'steps.0.sql',
      'steps.1.params',
      'steps.2.params.0',
    ]);
    expect(problems[1]?.message).toBe('the SQL uses $1…$2 but 1 param is given');
    expect(problems[2]?.message).toMatch(/credential.*connection string/);
  });

  it('rejects an ambiguous credential placeholder', () => {
    const step = { id: 'a', integrationId: 'crm', headers: { 'X-Token': '<<token>>' } };
    const problems = problemsOf(validate([step]));
    expect(problems).toEqual([
      {
        path: 'steps.0.headers.X-Token',
        message: expect.stringMatching(/<<token>> is ambiguous .*access_token, api_key/),
      },
    ]);
  });

  it('resolves credential placeholders by name and warns about unknown ones', () => {
    const step = {
      id: 'a',
      integrationId: 'crm',
      headers: { 'X-Api-Key': '<<X-API-KEY>>', 'X-Hook': '<<webhook_secret>>' },
      body: { signature: '<<webhook_secret>>' },
      method: 'POST',
    };
    const result = validate([step]);
    expect(result.ok).toBe(true);
    expect(result.warnings.unresolvedCredentials).toEqual([
      {
        step: 'a',
        placeholder: 'webhook_secret',
        path: 'steps.0.headers.X-Hook',
        message: expect.stringContaining('supplied at run time'),
      },
    ]);
  });

  it("checks the integration's own URL placeholders too", () => {
    const sqlOnly = { ...orders, id: 'q', params: ['<<input.id>>', 5] };
    const withoutHost = { ...shopdb, credentialNames: ['user', 'password', 'database'] };
    const result = validateWorkflowDefinition({
      steps: [sqlOnly],
      integrations: [withoutHost],
    });
    expect(result).toMatchObject({
      ok: true,
      warnings: {
        unresolvedCredentials: [{ step: 'q', placeholder: 'host', path: 'steps.0.integrationId' }],
      },
    });
  });
});
