import type { AppRouter } from '@latchkey/api';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

/** Named types for what the console shows and sends, all inferred from the api's router. */
type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type Me = Outputs['tenant']['me'];
export type Integration = Outputs['integrations']['list'][number];
export type TemplatePage = Outputs['integrations']['templates'];
export type Template = TemplatePage['templates'][number];
export type TemplateCategory = Template['category'];
export type Connection = Outputs['connections']['list'][number];
export type ConnectionStatus = Connection['status'];
export type Workflow = Outputs['workflows']['list'][number];
export type Run = Outputs['runs']['list'][number];
export type RunStatus = Run['status'];
export type RunInspection = Outputs['runs']['inspect'];
export type RunStep = RunInspection['steps'][number];
export type TenantEvent = Outputs['events']['list']['items'][number];

export type IntegrationUpsertInput = Inputs['integrations']['upsert'];
export type AuthScheme = NonNullable<IntegrationUpsertInput['auth']>;
export type OAuthSettingsInput = NonNullable<IntegrationUpsertInput['oauth']>;
