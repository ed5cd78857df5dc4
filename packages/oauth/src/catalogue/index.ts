import type { JsonValue, RequestTemplate } from '@latchkey/credential-mapper';
import { AI_TEMPLATES } from './ai';
import { API_KEY_TEMPLATES } from './api-key';
import { ATLASSIAN_TEMPLATES } from './atlassian';
import { CLOUD_TEMPLATES } from './cloud';
import { COMMERCE_TEMPLATES } from './commerce';
import { COMMUNICATION_TEMPLATES } from './communication';
import { CRM_TEMPLATES } from './crm';
import { DATA_TEMPLATES } from './data';
import { DATABASE_TEMPLATES } from './database';
import { DEVELOPER_TEMPLATES } from './developer';
import { DEVTOOLS_TEMPLATES } from './devtools';
import { FINANCE_TEMPLATES } from './finance';
import { GOOGLE_TEMPLATES } from './google';
import { MARKETING_TEMPLATES } from './marketing';
import { MEDIA_TEMPLATES } from './media';
import { MESSAGING_TEMPLATES } from './messaging';
import { MICROSOFT_TEMPLATES } from './microsoft';
import { PAYMENTS_TEMPLATES } from './payments';
import { PEOPLE_TEMPLATES } from './people';
import { PRODUCTIVITY_TEMPLATES } from './productivity';
import { SALES_SUPPORT_TEMPLATES } from './sales-support';
import type { IntegrationTemplate, TemplateKind } from './schema';
import { validateTemplates } from './schema';
import { SOCIAL_TEMPLATES } from './social';
import { WORK_TEMPLATES } from './work';
import { ZOHO_TEMPLATES } from './zoho';

export {
  type DetectionHint,
  detectTemplate,
  OAUTH_CREDENTIAL_NAMES,
  type TemplateDetection,
} from './detect';
export { joinScopes } from './helpers';
export type {
  ClientAuthMethod,
  IntegrationTemplate,
  OAuthGrantType,
  OAuthSettings,
  PkceSupport,
  RateLimitResetFormat,
  RateLimitRules,
  RefreshTokenBehaviour,
  ScopeSeparator,
  TemplateCategory,
  TemplateKind,
  VerifyRequest,
} from './schema';
export {
  integrationTemplateSchema,
  TEMPLATE_CATEGORIES,
  TemplateValidationError,
  validateTemplate,
  validateTemplates,
} from './schema';

/**
 * Every provider template, validated by the schema when this module loads (a bad template throws
 * a `TemplateValidationError` naming its id and field) and deep-frozen: copy before changing.
 */
export const TEMPLATES: readonly IntegrationTemplate[] = validateTemplates([
  ...GOOGLE_TEMPLATES,
  ...MICROSOFT_TEMPLATES,
  ...ATLASSIAN_TEMPLATES,
  ...ZOHO_TEMPLATES,
  ...CRM_TEMPLATES,
  ...PRODUCTIVITY_TEMPLATES,
  ...DEVELOPER_TEMPLATES,
  ...COMMUNICATION_TEMPLATES,
  ...SOCIAL_TEMPLATES,
  ...COMMERCE_TEMPLATES,
  ...FINANCE_TEMPLATES,
  ...API_KEY_TEMPLATES,
  ...AI_TEMPLATES,
  ...MARKETING_TEMPLATES,
  ...SALES_SUPPORT_TEMPLATES,
  ...DEVTOOLS_TEMPLATES,
  ...CLOUD_TEMPLATES,
  ...PAYMENTS_TEMPLATES,
  ...WORK_TEMPLATES,
  ...PEOPLE_TEMPLATES,
  ...MESSAGING_TEMPLATES,
  ...MEDIA_TEMPLATES,
  ...DATA_TEMPLATES,
  ...DATABASE_TEMPLATES,
]);

const BY_ID = new Map(TEMPLATES.map((t) => [t.id, t]));

/** `oauth2` when the template has OAuth settings, `database` for connection strings, else `api_key`. */
export function templateKind(template: IntegrationTemplate): TemplateKind {
  if (template.oauth) return 'oauth2';
  if (template.auth.type === 'database') return 'database';
  return 'api_key';
}

/** The template with this id (case-insensitive, surrounding spaces ignored), if any. */
export function getTemplate(id: string): IntegrationTemplate | undefined {
  return BY_ID.get(id.trim().toLowerCase());
}

export interface TemplateFilter {
  /** Case-insensitive; every word must occur in the id, name or category ("google sheets"). */
  search?: string;
  category?: string;
  kind?: TemplateKind;
}

/** Templates matching every given filter, in catalogue order. */
export function listTemplates(filter: TemplateFilter = {}): IntegrationTemplate[] {
  const words = (filter.search ?? '')
    .toLowerCase()
    .split(/[\s\-_]+/)
    .filter(Boolean);
  const category = filter.category?.trim().toLowerCase();
  return TEMPLATES.filter((t) => {
    if (category && t.category !== category) return false;
    if (filter.kind && templateKind(t) !== filter.kind) return false;
    if (words.length === 0) return true;
    const haystack = `${t.id} ${t.name} ${t.category}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

export interface TemplatePageQuery extends TemplateFilter {
  /** Matching templates to skip (default 0). */
  offset?: number;
  /** At most this many templates (default: all the rest). */
  limit?: number;
}

export interface TemplatePage {
  /** This page, in catalogue order. */
  templates: IntegrationTemplate[];
  /** How many templates match the filter, on every page. */
  total: number;
  offset: number;
  /** Where the next page starts; null on the last page. */
  nextOffset: number | null;
}

/**
 * One page of the templates matching a filter. The catalogue is fixed for the life of the
 * process, so an offset names the same place on every call.
 */
export function pageTemplates(query: TemplatePageQuery = {}): TemplatePage {
  const { offset: rawOffset, limit, ...filter } = query;
  const matching = listTemplates(filter);
  const offset = Math.max(0, Math.floor(rawOffset ?? 0));
  const end = limit === undefined ? matching.length : offset + Math.max(0, Math.floor(limit));
  return {
    templates: matching.slice(offset, end),
    total: matching.length,
    offset,
    nextOffset: end < matching.length ? end : null,
  };
}

/**
 * The template's verification request as a request for the credential mapper (or the
 * resolver), with the template's fixed headers; undefined when the template declares none.
 */
export function verificationRequest(template: IntegrationTemplate): RequestTemplate | undefined {
  const verify = template.verify;
  if (!verify) return undefined;
  const headers = { ...template.headers, ...verify.headers };
  return {
    method: verify.method ?? 'GET',
    path: verify.path,
    ...(verify.query ? { query: verify.query } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(verify.body !== undefined ? { body: verify.body as JsonValue } : {}),
  };
}

/** True when a credential test can check the template's credentials: a verify request, or SQL. */
export function templateVerifies(template: IntegrationTemplate): boolean {
  return template.verify !== undefined || templateKind(template) === 'database';
}
