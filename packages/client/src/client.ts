import type { AppRouter } from '@latchkey/api';
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import { normalizeEndpoint } from './endpoint';
import { LatchkeyError } from './errors';
import { createFetch, type FetchLike, type HeadersOption } from './transport';
import type {
  BuiltWorkflow,
  Connection,
  ConnectionDeleted,
  ConnectionFilter,
  ConnectionKey,
  ConnectionList,
  ConnectionUpsertInput,
  ConnectLink,
  ConnectLinkInput,
  CredentialTest,
  EventFilter,
  EventList,
  EventRedelivered,
  ExecuteWorkflowInput,
  HealthStatus,
  Integration,
  IntegrationDeleted,
  IntegrationFields,
  IntegrationId,
  IntegrationList,
  IntegrationTemplateList,
  IntegrationUpserted,
  IntegrationUpsertInput,
  Me,
  Run,
  RunFilter,
  RunList,
  TemplateFilter,
  Webhook,
  WebhookRotated,
  WebhookRotateInput,
  WebhookSet,
  WebhookSetInput,
  Workflow,
  WorkflowBuildInput,
  WorkflowDeleted,
  WorkflowList,
  WorkflowRef,
} from './types';

export interface LatchkeyClientOptions {
  /**
   * The api's base URL, e.g. `http://127.0.0.1:3000`; `/trpc` is appended unless present.
   * Defaults to `LATCHKEY_API_URL`, then `http://127.0.0.1:3000` (what `pnpm dev` serves).
   */
  endpoint?: string;
  /**
   * A tenant API key, sent as `Authorization: Bearer <key>` and never put in error messages.
   * Defaults to `LATCHKEY_API_KEY`; one of the two is required.
   */
  apiKey?: string | undefined;
  /** A fetch to use instead of the global one (proxies, retries, tests). */
  fetch?: FetchLike;
  /** Extra headers for every request. An `authorization` header here is ignored: `apiKey` wins. */
  headers?: HeadersOption;
}

/** Where `pnpm dev` serves the api. */
const DEFAULT_ENDPOINT = 'http://127.0.0.1:3000';

/** An environment variable under Node; browsers have none. */
function fromEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  return env?.[name] || undefined;
}

/** Printable ASCII without spaces: anything else would be rejected by fetch, quoting the key. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** Templates fetched per call by `listAllTemplates` (the api's largest page). */
const TEMPLATE_PAGE_SIZE = 500;

/**
 * The typed Latchkey client. Every method rejects with a LatchkeyError; `trpc` is the raw,
 * fully typed tRPC client for procedures without a method here (its errors are tRPC's own:
 * wrap them with `LatchkeyError.from`).
 */
export class LatchkeyClient {
  /** The raw tRPC client, typed from the api's router. */
  readonly trpc: TRPCClient<AppRouter>;
  /** The tRPC URL requests go to (the endpoint with `/trpc`). */
  readonly url: string;
  readonly #apiKey: string;

  constructor(options: LatchkeyClientOptions = {}) {
    this.url = normalizeEndpoint(
      options.endpoint ?? fromEnv('LATCHKEY_API_URL') ?? DEFAULT_ENDPOINT,
    );
    const { headers } = options;
    const apiKey = options.apiKey ?? fromEnv('LATCHKEY_API_KEY');
    if (typeof apiKey !== 'string' || apiKey === '') {
      throw new TypeError('LatchkeyClient: `apiKey` is required (or set LATCHKEY_API_KEY)');
    }
    if (!HEADER_SAFE.test(apiKey)) {
      throw new TypeError(
        'LatchkeyClient: `apiKey` contains spaces or characters that cannot be sent in an HTTP header',
      );
    }
    this.#apiKey = apiKey;
    const authorization = `Bearer ${apiKey}`;
    this.trpc = createTRPCClient<AppRouter>({
      links: [
        // One request per call: simple to proxy, log and retry; no batch URL limits.
        httpLink({
          url: this.url,
          fetch: createFetch(this.url, options.fetch),
          headers: async () => {
            const extra = typeof headers === 'function' ? await headers() : (headers ?? {});
            const merged: Record<string, string> = {};
            for (const [name, value] of Object.entries(extra)) {
              if (name.toLowerCase() !== 'authorization') merged[name] = value;
            }
            merged.authorization = authorization;
            return merged;
          },
        }),
      ],
    });
  }

  async #call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw LatchkeyError.from(error, { redact: [this.#apiKey] });
    }
  }

  /** Whether the api, its database and Temporal answer (needs no particular scope). */
  health(): Promise<HealthStatus> {
    return this.#call(() => this.trpc.health.check.query());
  }

  /** The tenant and scopes of the API key in use. */
  me(): Promise<Me> {
    return this.#call(() => this.trpc.tenant.me.query());
  }

  /**
   * Creates or updates an integration. Fields left out are kept; `credentials` are merged into
   * the stored ones unless `replaceCredentials` is set. Either `upsertIntegration({ id, ... })`
   * or `upsertIntegration(id, { ... })`; an `id` in the fields must then be the same. An
   * integration as read can be passed back (its read-only fields are ignored).
   */
  upsertIntegration(input: IntegrationUpsertInput): Promise<IntegrationUpserted>;
  upsertIntegration(id: IntegrationId, input: IntegrationFields): Promise<IntegrationUpserted>;
  upsertIntegration(
    idOrInput: IntegrationId | IntegrationUpsertInput,
    fields?: IntegrationFields,
  ): Promise<IntegrationUpserted> {
    if (typeof idOrInput === 'string' && fields?.id !== undefined && fields.id !== idOrInput) {
      return Promise.reject(
        new TypeError(
          `LatchkeyClient.upsertIntegration: the id '${idOrInput}' and fields.id '${fields.id}' differ`,
        ),
      );
    }
    const input: IntegrationUpsertInput =
      typeof idOrInput === 'string' ? { ...fields, id: idOrInput } : idOrInput;
    return this.#call(() => this.trpc.integrations.upsert.mutate(input));
  }

  /** One integration; stored credentials appear as names with masked hints, never values. */
  getIntegration(id: IntegrationId): Promise<Integration> {
    return this.#call(() => this.trpc.integrations.get.query({ id }));
  }

  listIntegrations(): Promise<IntegrationList> {
    return this.#call(() => this.trpc.integrations.list.query());
  }

  /**
   * Tests the stored credentials (or `userId`'s connection) with one cheap authenticated
   * request: the outcome is kept as the health `getIntegration` shows.
   */
  testIntegration(id: IntegrationId, options: { userId?: string } = {}): Promise<CredentialTest> {
    return this.#call(() => this.trpc.integrations.test.mutate({ id, ...options }));
  }

  /** Deletes an integration and every connection under it. */
  deleteIntegration(id: IntegrationId): Promise<IntegrationDeleted> {
    return this.#call(() => this.trpc.integrations.delete.mutate({ id }));
  }

  /**
   * A page of the provider catalogue (Stripe, HubSpot, Google, ...), optionally filtered:
   * `{ templates, total, offset, nextOffset }`. Without arguments, the first page.
   */
  listTemplates(filter?: TemplateFilter): Promise<IntegrationTemplateList> {
    return this.#call(() => this.trpc.integrations.templates.query(filter));
  }

  /** Every template matching the filter, fetched a page at a time. */
  async listAllTemplates(
    filter: Omit<TemplateFilter, 'offset' | 'limit'> = {},
  ): Promise<IntegrationTemplateList['templates']> {
    const all: IntegrationTemplateList['templates'] = [];
    for (let offset: number | null = 0; offset !== null; ) {
      const page = await this.listTemplates({ ...filter, offset, limit: TEMPLATE_PAGE_SIZE });
      all.push(...page.templates);
      offset = page.nextOffset;
    }
    return all;
  }

  /** Creates or updates one end user's connection (their tokens) under an integration. */
  upsertConnection(input: ConnectionUpsertInput): Promise<Connection> {
    return this.#call(() => this.trpc.connections.upsert.mutate(input));
  }

  getConnection(key: ConnectionKey): Promise<Connection> {
    return this.#call(() => this.trpc.connections.get.query(key));
  }

  listConnections(filter?: ConnectionFilter): Promise<ConnectionList> {
    return this.#call(() => this.trpc.connections.list.query(filter));
  }

  deleteConnection(key: ConnectionKey): Promise<ConnectionDeleted> {
    return this.#call(() => this.trpc.connections.delete.mutate(key));
  }

  /**
   * A short-lived URL to hand to an end user: opening it connects their account to an OAuth
   * integration without an API key. After the provider, the browser goes to `returnUrl`.
   */
  createConnectLink(input: ConnectLinkInput): Promise<ConnectLink> {
    return this.#call(() => this.trpc.connectLinks.create.mutate(input));
  }

  /**
   * Saves a new version of a workflow: explicit `steps` are validated against the
   * integrations; without steps the api's configured planner proposes them.
   */
  buildWorkflow(input: WorkflowBuildInput): Promise<BuiltWorkflow> {
    return this.#call(() => this.trpc.workflows.build.mutate(input));
  }

  /** A workflow's latest version, or the one asked for. */
  getWorkflow(id: string, version?: number): Promise<Workflow> {
    const ref: WorkflowRef = version === undefined ? { id } : { id, version };
    return this.#call(() => this.trpc.workflows.get.query(ref));
  }

  listWorkflows(): Promise<WorkflowList> {
    return this.#call(() => this.trpc.workflows.list.query());
  }

  deleteWorkflow(id: string): Promise<WorkflowDeleted> {
    return this.#call(() => this.trpc.workflows.delete.mutate({ id }));
  }

  /**
   * Runs a stored workflow (`workflowId`) or an inline one (`workflow`). Runtime
   * `credentials` are used by this run only. With `wait` (the default) the run is returned
   * when it ends or `timeoutMs` passes; otherwise at once, to be polled with `getRun`.
   */
  executeWorkflow(input: ExecuteWorkflowInput): Promise<Run> {
    return this.#call(() => this.trpc.runs.execute.mutate(input));
  }

  getRun(runId: string): Promise<Run> {
    return this.#call(() => this.trpc.runs.get.query({ runId }));
  }

  /**
   * Runs, newest first: `limit` of them (50 by default, at most 500). For the next page, pass
   * the last run's id as `before`; a page shorter than `limit` is the last.
   */
  listRuns(filter?: RunFilter): Promise<RunList> {
    return this.#call(() => this.trpc.runs.list.query(filter));
  }

  cancelRun(runId: string): Promise<Run> {
    return this.#call(() => this.trpc.runs.cancel.mutate({ runId }));
  }

  /** The tenant's webhook endpoint (admin scope), or null when none is set. */
  getWebhook(): Promise<Webhook> {
    return this.#call(() => this.trpc.webhooks.get.query());
  }

  /**
   * Sets the endpoint every event of this tenant is delivered to (admin scope). A new endpoint
   * comes with its signing `secret`, returned this once: store it where your receiver reads it.
   */
  setWebhook(input: WebhookSetInput): Promise<WebhookSet> {
    return this.#call(() => this.trpc.webhooks.set.mutate(input));
  }

  /**
   * A new signing secret, returned this once. The old one keeps signing beside it (a second
   * `v1=` in the signature) for `overlapSeconds`, 24 hours by default.
   */
  rotateWebhookSecret(input?: WebhookRotateInput): Promise<WebhookRotated> {
    return this.#call(() => this.trpc.webhooks.rotateSecret.mutate(input));
  }

  deleteWebhook(): Promise<{ deleted: true }> {
    return this.#call(() => this.trpc.webhooks.delete.mutate());
  }

  /**
   * Events, newest first, each with every delivery's attempts and outcome (admin scope).
   * Pass `nextCursor` as `cursor` for the next page; it is null on the last.
   */
  listEvents(filter?: EventFilter): Promise<EventList> {
    return this.#call(() => this.trpc.events.list.query(filter));
  }

  /** Sends an event again to the current endpoint, as a new delivery. */
  redeliverEvent(eventId: string): Promise<EventRedelivered> {
    return this.#call(() => this.trpc.events.redeliver.mutate({ eventId }));
  }
}
