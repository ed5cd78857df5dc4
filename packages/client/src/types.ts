import type { AppRouter } from '@latchkey/api';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

export type { AppRouter };

/** Every procedure's input, by path: `RouterInputs['integrations']['upsert']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Every procedure's output as the client receives it (dates arrive as ISO strings). */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

type In = RouterInputs;
type Out = RouterOutputs;

export type HealthStatus = Out['health']['check'];
export type Me = Out['tenant']['me'];

export type IntegrationUpsertInput = In['integrations']['upsert'];
export type IntegrationId = IntegrationUpsertInput['id'];
/** The second form of upsertIntegration: the fields, where an id may repeat the first argument. */
export type IntegrationFields = Omit<IntegrationUpsertInput, 'id'> & { id?: IntegrationId };
export type Integration = Out['integrations']['get'];
/** An integration as written, with what the upsert decided (template detected, OAuth moved). */
export type IntegrationUpserted = Out['integrations']['upsert'];
export type IntegrationList = Out['integrations']['list'];
export type IntegrationDeleted = Out['integrations']['delete'];
/** What a credential test found: `ok`, `invalid_credentials`, `insufficient_scope`, ... */
export type CredentialTest = Out['integrations']['test'];
export type TemplateFilter = In['integrations']['templates'];
/** A page of templates: `{ templates, total, offset, nextOffset }`. */
export type IntegrationTemplateList = Out['integrations']['templates'];
export type IntegrationTemplate = IntegrationTemplateList['templates'][number];

export type ConnectionUpsertInput = In['connections']['upsert'];
export type ConnectionKey = In['connections']['get'];
export type ConnectionFilter = In['connections']['list'];
export type Connection = Out['connections']['get'];
export type ConnectionList = Out['connections']['list'];
export type ConnectionDeleted = Out['connections']['delete'];
export type ConnectLinkInput = In['connectLinks']['create'];
export type ConnectLink = Out['connectLinks']['create'];

export type WorkflowBuildInput = In['workflows']['build'];
export type BuiltWorkflow = Out['workflows']['build'];
export type WorkflowRef = In['workflows']['get'];
export type Workflow = Out['workflows']['get'];
export type WorkflowList = Out['workflows']['list'];
export type WorkflowDeleted = Out['workflows']['delete'];

export type ExecuteWorkflowInput = In['runs']['execute'];
export type Run = Out['runs']['get'];
export type RunList = Out['runs']['list'];
export type RunFilter = In['runs']['list'];

/** The tenant's webhook endpoint: `{ url, secretHint, previousSecretExpiresAt, ... }`. */
export type Webhook = Out['webhooks']['get'];
export type WebhookSetInput = In['webhooks']['set'];
/** `secret` is present only when a new endpoint was made: shown this once. */
export type WebhookSet = Out['webhooks']['set'];
export type WebhookRotateInput = In['webhooks']['rotateSecret'];
/** Carries the new `secret`, shown this once. */
export type WebhookRotated = Out['webhooks']['rotateSecret'];
export type EventFilter = In['events']['list'];
/** A page of events: `{ items, nextCursor }`, each with its deliveries and their attempts. */
export type EventList = Out['events']['list'];
export type TenantEvent = EventList['items'][number];
export type EventRedelivered = Out['events']['redeliver'];
