import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createPlanner,
  type IntegrationInfo,
  PLANNER_SYSTEM_PROMPT,
  PlannerError,
  plannerFromEnv,
} from '../src/index';
import { type Loopback, sendJson, startLoopback } from './loopback';

const API_KEY = 'sk-planner-test-0123456789';
const integrations: IntegrationInfo[] = [
  {
    id: 'stripe',
    name: 'Stripe',
    kind: 'http',
    urlHost: 'https://api.stripe.com',
    urlPath: '/v1',
    auth: { type: 'bearer' },
    credentialNames: ['secret_key'],
    instructions: 'Amounts are in cents.',
    docsUrl: 'https://docs.stripe.com/api',
  },
];
const goodSteps = {
  steps: [
    {
      id: 'listCustomers',
      integrationId: 'stripe',
      path: '/customers',
      query: { limit: 100 },
      pagination: {
        type: 'cursor',
        cursorParam: 'starting_after',
        cursorPath: 'has_more ? data[-1].id : null',
        itemsPath: 'data',
      },
      transform: 'result.{ "id": id, "email": email }',
    },
  ],
};

/** Replies queued per test: each is the assistant's content, or a raw responder. */
let replies: (string | ((res: ServerResponse) => void))[] = [];
let llm: Loopback;

function chat(res: ServerResponse, content: string) {
  sendJson(res, 200, {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  });
}

beforeAll(async () => {
  llm = await startLoopback((req, res) => {
    if (req.url !== '/v1/chat/completions' || req.method !== 'POST') return sendJson(res, 404, {});
    const next = replies.shift() ?? '{}';
    if (typeof next === 'string') chat(res, next);
    else next(res);
  });
});
beforeEach(() => {
  replies = [];
  llm.requests.length = 0;
});
afterAll(() => llm.close());

const planner = (extra = {}) =>
  createPlanner({ baseUrl: `${llm.url}/v1/`, apiKey: API_KEY, model: 'test-model', ...extra });
const input = { instruction: 'Get all Stripe customers', integrations };

async function plannerError(promise: Promise<unknown>): Promise<PlannerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlannerError);
  return error as PlannerError;
}

describe('createPlanner', () => {
  it('asks an OpenAI-compatible endpoint and returns validated steps', async () => {
    replies = [JSON.stringify(goodSteps)];
    const steps = await planner().plan({
      ...input,
      responseSchema: { type: 'array', items: { type: 'object' } },
    });
    expect(steps).toEqual([{ ...goodSteps.steps[0], type: 'http', method: 'GET' }]);

    const [sent] = llm.requests;
    expect(sent?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    const body = JSON.parse(sent?.body ?? '{}');
    expect(body).toMatchObject({
      model: 'test-model',
      response_format: { type: 'json_object' },
      messages: [{ role: 'system', content: PLANNER_SYSTEM_PROMPT }, { role: 'user' }],
    });
    const user = JSON.parse(body.messages[1].content);
    expect(user).toMatchObject({
      instruction: 'Get all Stripe customers',
      integrations: [
        {
          id: 'stripe',
          kind: 'http',
          baseUrl: 'https://api.stripe.com/v1',
          auth: 'bearer',
          credentialNames: ['secret_key'],
          instructions: 'Amounts are in cents.',
        },
      ],
      responseSchema: { type: 'array' },
    });
  });

  it('accepts output wrapped in a code fence', async () => {
    replies = [`\`\`\`json\n${JSON.stringify(goodSteps)}\n\`\`\``];
    expect(await planner().plan(input)).toHaveLength(1);
  });

  it('fails with a PlannerError on output that is not JSON', async () => {
    replies = ['Sure! Here are your steps: step one...'];
    const error = await plannerError(planner({ repairAttempts: 0 }).plan(input));
    expect(error.code).toBe('UNPARSEABLE');
    expect(error.message).toMatch(
      /^the planner returned unusable output \(the output is not JSON: Sure!/,
    );
  });

  it('sends invalid steps back once with their problems, then gives up', async () => {
    const bad = JSON.stringify({ steps: [{ id: 'x', integrationId: 'github', method: 'FETCH' }] });
    replies = [bad, JSON.stringify(goodSteps)];
    expect(await planner().plan(input)).toHaveLength(1);
    const second = JSON.parse(llm.requests[1]?.body ?? '{}');
    expect(second.messages.at(-1).content).toMatch(/^That is not valid: steps\.0\.method: /);

    replies = [bad, bad];
    const error = await plannerError(planner().plan(input));
    expect(error.code).toBe('INVALID_STEPS');
    expect(error.problems.map((p) => p.path)).toEqual(['steps.0.method']);
    expect(error.message).toMatch(/^the planner returned invalid steps: steps\.0\.method: /);
  });

  it('reports the endpoint status without the API key', async () => {
    replies = [
      (res) =>
        sendJson(res, 401, {
          error: {
            message: `Incorrect API key provided: ${API_KEY}`,
            type: 'invalid_request_error',
          },
        }),
    ];
    const error = await plannerError(planner().plan(input));
    expect(error).toMatchObject({ code: 'HTTP', status: 401 });
    expect(error.message).toMatch(
      /returned 401 Unauthorized: .*Incorrect API key provided: \[REDACTED\]/,
    );
    expect(error.message).not.toContain(API_KEY);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
  });

  it('reports an unreachable endpoint and a timeout', async () => {
    const gone = await startLoopback(() => {});
    await gone.close();
    const unreachable = await plannerError(
      createPlanner({ baseUrl: gone.url, model: 'm' }).plan(input),
    );
    expect(unreachable.code).toBe('NETWORK');
    replies = [(res) => setTimeout(() => chat(res, JSON.stringify(goodSteps)), 1000)];
    const slow = await plannerError(planner({ timeoutMs: 100 }).plan(input));
    expect(slow.code).toBe('TIMEOUT');
  });
});

describe('plannerFromEnv', () => {
  it('is undefined without a URL and needs a model with one', () => {
    expect(plannerFromEnv({})).toBeUndefined();
    // An empty variable (`X=` in a compose file) is unset.
    expect(plannerFromEnv({ LATCHKEY_PLANNER_URL: '' })).toBeUndefined();
    expect(() => plannerFromEnv({ LATCHKEY_PLANNER_URL: llm.url })).toThrow(
      'LATCHKEY_PLANNER_MODEL: must be set when LATCHKEY_PLANNER_URL is',
    );
    expect(() =>
      plannerFromEnv({ LATCHKEY_PLANNER_URL: 'not a url', LATCHKEY_PLANNER_API_KEY: API_KEY }),
    ).toThrow('LATCHKEY_PLANNER_URL: must be an http(s) URL');
    // The error names the variable, never a value (the API key is a secret).
    expect(() =>
      plannerFromEnv({ LATCHKEY_PLANNER_URL: 'not a url', LATCHKEY_PLANNER_API_KEY: API_KEY }),
    ).not.toThrow(API_KEY);
  });

  it('builds a working planner', async () => {
    const fromEnv = plannerFromEnv({
      LATCHKEY_PLANNER_URL: `${llm.url}/v1`,
      LATCHKEY_PLANNER_API_KEY: API_KEY,
      LATCHKEY_PLANNER_MODEL: 'env-model',
    });
    replies = [JSON.stringify(goodSteps)];
    expect(await fromEnv?.plan(input)).toHaveLength(1);
    expect(JSON.parse(llm.requests[0]?.body ?? '{}').model).toBe('env-model');
  });
});
