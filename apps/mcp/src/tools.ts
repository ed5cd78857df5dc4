import { type ExecuteWorkflowInput, isLatchkeyError, type LatchkeyClient } from '@latchkey/client';
import { createRedactor } from '@latchkey/credential-mapper/redact';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export const SERVER_NAME = 'latchkey';
export const SERVER_VERSION = '0.0.0';

const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/)
  .describe('1-128 letters, digits, dots, dashes or underscores, starting with a letter or digit');

const jsonSchemaObject = z.record(z.string(), z.unknown());

const stepsSchema = z
  .array(z.record(z.string(), z.unknown()))
  .min(1)
  .max(50)
  .describe(
    'Explicit steps, run in order. Each step is an object like ' +
      '{ "id": "listCustomers", "integrationId": "stripe", "method": "GET", "path": "/customers", ' +
      '"query": { "limit": 10 }, "body": {...}, "pagination": {...}, "transform": "<JSONata>" }. ' +
      'Values may reference the run input with "<<input.name>>" and earlier steps by their id.',
  );

const credentialsSchema = z
  .record(z.string(), z.union([z.string(), z.number()]))
  .describe(
    'Runtime credentials for this run only (never stored in the clear, never returned): a flat map ' +
      'of names prefixed with the integration id, e.g. { "stripe_secret_key": "sk_..." }.',
  );

/** Runtime credential values: the mapper's redactor masks them in every encoded form. */
function secretsOf(credentials: Record<string, string | number> | undefined): string[] {
  return credentials ? Object.values(credentials).map(String) : [];
}

function ok(result: unknown, secrets: readonly string[] = []): CallToolResult {
  const { redact, redactString } = createRedactor(secrets);
  const safe = redact(result);
  const text = redactString(JSON.stringify(safe, null, 2) ?? 'null');
  const structured =
    safe !== null && typeof safe === 'object' && !Array.isArray(safe)
      ? (safe as Record<string, unknown>)
      : { items: safe };
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/** An api error as an MCP tool error: the code and message, and the invalid fields if any. */
export function toolError(error: unknown, secrets: readonly string[] = []): CallToolResult {
  let text: string;
  if (isLatchkeyError(error)) {
    text = `${error.code}: ${error.message}`;
    if (error.fields && error.fields.length > 0) {
      text += `\n${JSON.stringify({ fields: error.fields }, null, 2)}`;
    }
  } else {
    text = `INTERNAL_ERROR: ${error instanceof Error ? error.message : String(error)}`;
  }
  const { redactString } = createRedactor(secrets);
  return { isError: true, content: [{ type: 'text', text: redactString(text) }] };
}

async function call(run: () => Promise<unknown>, secrets: readonly string[] = []) {
  try {
    return ok(await run(), secrets);
  } catch (error) {
    return toolError(error, secrets);
  }
}

/**
 * An MCP server exposing a tenant's Latchkey api through `client`: integrations, templates,
 * workflows and runs. Results are the api's (which masks stored credentials); runtime
 * credentials given to `execute_workflow` are masked out of its result too.
 */
export function createLatchkeyMcpServer(client: LatchkeyClient): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        'Latchkey runs API workflows against third-party services with credentials it keeps. ' +
        'Look at list_integrations (configured services) and list_templates (known providers), ' +
        'save a workflow with build_workflow, run it with execute_workflow and poll get_run; ' +
        "list_runs shows past runs. When a run needs an end user's own account, connect_link " +
        'gives a URL to ask them to open.',
    },
  );

  server.registerTool(
    'list_integrations',
    {
      title: 'List integrations',
      description:
        "The tenant's configured integrations (third-party APIs): id, base URL, auth type and " +
        'the names of stored credentials with masked hints (never their values).',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    () => call(() => client.listIntegrations()),
  );

  server.registerTool(
    'test_integration',
    {
      title: 'Test an integration',
      description:
        "Checks an integration's stored credentials (or one end user's connection, with userId) " +
        'with one cheap authenticated request to the provider: ok, invalid_credentials, ' +
        'insufficient_scope, unreachable or unexpected_status. Never shows a secret.',
      inputSchema: {
        id: idSchema.describe('The integration id'),
        userId: z.string().min(1).max(256).optional().describe("An end user's id"),
      },
    },
    ({ id, userId }) => call(() => client.testIntegration(id, userId ? { userId } : {})),
  );

  server.registerTool(
    'list_templates',
    {
      title: 'List integration templates',
      description:
        'The catalogue of known providers (Stripe, HubSpot, Google, ...) with their base URLs, ' +
        'auth and documentation, to configure an integration from. Optionally filtered; a page ' +
        'at a time with the total: call again with `offset` set to `nextOffset` for more.',
      inputSchema: {
        search: z.string().max(100).optional().describe('Free text matched against the providers'),
        category: z.string().max(100).optional().describe('A category such as "payments" or "crm"'),
        offset: z.number().int().min(0).optional().describe('Where the page starts (default 0)'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(100)
          .optional()
          .describe('Templates per page (default 20)'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ limit, ...filter }) => call(() => client.listTemplates({ ...filter, limit: limit ?? 20 })),
  );

  server.registerTool(
    'connect_link',
    {
      title: 'Create a connect link',
      description:
        "A short-lived URL to give one of the tenant's end users: opening it lets them connect " +
        'their own account to an OAuth integration (their tokens are stored as their connection, ' +
        'used by runs with their userId). Ask the user to open it when a run needs their account. ' +
        'The link connects once, only in the browser that pressed its button, and ends after ' +
        'ttlMinutes (at most 60); returnUrl must be on an origin the tenant registered. ' +
        'Returns the `url`, `linkId` (to revoke it) and `expiresAt`.',
      inputSchema: {
        integrationId: idSchema.describe('An OAuth integration (see list_integrations)'),
        userId: z
          .string()
          .min(1)
          .max(256)
          .describe("The end user's id in the tenant's own system, e.g. their email"),
        returnUrl: z
          .url({ protocol: /^https?$/ })
          .max(2048)
          .optional()
          .describe('Where the browser goes once the account is connected'),
        ttlMinutes: z
          .number()
          .int()
          .min(1)
          .max(60)
          .optional()
          .describe('How long the link works, in minutes (default 30, at most 60)'),
      },
    },
    (input) => call(() => client.createConnectLink(input)),
  );

  server.registerTool(
    'list_workflows',
    {
      title: 'List workflows',
      description:
        "The tenant's saved workflows, latest version of each: id, version, instruction, " +
        'integrations, input and response schemas.',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    () => call(() => client.listWorkflows()),
  );

  server.registerTool(
    'get_workflow',
    {
      title: 'Get a workflow',
      description:
        'One saved workflow with its steps: the latest version, or the version asked for.',
      inputSchema: {
        id: idSchema.describe('The workflow id'),
        version: z.number().int().positive().optional().describe('A version; default the latest'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ id, version }) => call(() => client.getWorkflow(id, version)),
  );

  server.registerTool(
    'build_workflow',
    {
      title: 'Build a workflow',
      description:
        'Saves a new version of a workflow. With explicit `steps` they are validated against the ' +
        "integrations; without them the api's planner proposes steps from the instruction. " +
        'Building with an existing id adds a version. Returns the saved workflow.',
      inputSchema: {
        id: idSchema.optional().describe('The workflow id; defaults to a slug of the instruction'),
        instruction: z
          .string()
          .min(1)
          .max(20_000)
          .describe('What the workflow does, in plain words'),
        integrationIds: z
          .array(idSchema)
          .min(1)
          .max(20)
          .describe('The integrations the workflow may call'),
        steps: stepsSchema.optional(),
        inputSchema: jsonSchemaObject
          .optional()
          .describe('A JSON Schema the run payload must match'),
        responseSchema: jsonSchemaObject
          .optional()
          .describe('A JSON Schema the workflow result must match'),
      },
    },
    (input) => call(() => client.buildWorkflow(input)),
  );

  server.registerTool(
    'execute_workflow',
    {
      title: 'Execute a workflow',
      description:
        'Runs a saved workflow (`workflowId`) or an inline one (`workflow`), exactly one of them, ' +
        'with stored credentials or runtime `credentials` for this run only. With `wait` (the ' +
        'default) returns the finished run with its `output` (or `error`); with `wait: false` ' +
        'returns at once with the `runId` to poll with get_run.',
      inputSchema: {
        workflowId: idSchema.optional().describe('A saved workflow to run'),
        workflowVersion: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('The version of the saved workflow; default the latest'),
        workflow: z
          .object({
            id: idSchema.optional(),
            instruction: z.string().min(1).max(20_000),
            integrationIds: z.array(idSchema).min(1).max(20),
            steps: stepsSchema,
            inputSchema: jsonSchemaObject.optional(),
            responseSchema: jsonSchemaObject.optional(),
          })
          .optional()
          .describe('An inline workflow, run once without being saved'),
        payload: z.unknown().optional().describe("The run's input, checked against inputSchema"),
        credentials: credentialsSchema.optional(),
        integrationIds: z
          .array(idSchema)
          .max(20)
          .optional()
          .describe("Restrict or extend the integrations the run may use (default the workflow's)"),
        userId: z
          .string()
          .min(1)
          .max(256)
          .optional()
          .describe('An end user whose connection (their tokens) the run uses'),
        wait: z.boolean().optional().describe('Wait for the result (default true)'),
        timeoutMs: z
          .number()
          .int()
          .min(100)
          .max(15 * 60_000)
          .optional()
          .describe('How long to wait when waiting (default 60000)'),
      },
    },
    (input) => {
      const secrets = secretsOf(input.credentials);
      return call(() => client.executeWorkflow(input as ExecuteWorkflowInput), secrets);
    },
  );

  server.registerTool(
    'get_run',
    {
      title: 'Get a run',
      description:
        'One run: status (pending, running, succeeded, failed, cancelled), output when it ' +
        'succeeded, error when it failed, per-step stats and timings.',
      inputSchema: { runId: z.uuid().describe('The run id execute_workflow returned') },
      annotations: { readOnlyHint: true },
    },
    ({ runId }) => call(() => client.getRun(runId)),
  );

  server.registerTool(
    'list_runs',
    {
      title: 'List runs',
      description:
        'Runs, newest first, with their status, output or error. For older runs, call again ' +
        'with `before` set to the last runId of the previous page; a shorter page is the last.',
      inputSchema: {
        workflowId: idSchema.optional().describe('Only runs of this workflow'),
        status: z
          .enum(['pending', 'running', 'succeeded', 'failed', 'cancelled'])
          .optional()
          .describe('Only runs in this state'),
        limit: z.number().int().min(1).max(100).optional().describe('Runs per page (default 20)'),
        before: z.uuid().optional().describe('The last runId of the previous page'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ limit, ...filter }) => call(() => client.listRuns({ ...filter, limit: limit ?? 20 })),
  );

  return server;
}
