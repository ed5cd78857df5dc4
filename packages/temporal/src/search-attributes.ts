import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes every run carries, so an operator can filter runs in the Temporal UI,
 * e.g. `LatchkeyTenant = "<tenant id>" AND LatchkeyWorkflow = "stripe-customers"`. Temporal
 * indexes them in the clear (codecs never see them), so they hold ids only: the tenant id (never
 * its name), and for the end user a keyed hash (`userSearchTag`), never the user id itself.
 */
export const TenantAttribute = defineSearchAttributeKey(
  'LatchkeyTenant',
  SearchAttributeType.KEYWORD,
);
export const WorkflowAttribute = defineSearchAttributeKey(
  'LatchkeyWorkflow',
  SearchAttributeType.KEYWORD,
);
export const UserAttribute = defineSearchAttributeKey('LatchkeyUser', SearchAttributeType.KEYWORD);
export const IntegrationsAttribute = defineSearchAttributeKey(
  'LatchkeyIntegrations',
  SearchAttributeType.KEYWORD_LIST,
);

export const SEARCH_ATTRIBUTES = [
  TenantAttribute,
  WorkflowAttribute,
  UserAttribute,
  IntegrationsAttribute,
] as const;

/** The CLI's spelling of each type, for `temporal server start-dev --search-attribute`. */
export const CLI_SEARCH_ATTRIBUTE_TYPES: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

/** The part of `@latchkey/vault`'s `Vault` that tags end users; a `Vault` satisfies it. */
export interface KeyedHasher {
  keyedHash(tenantId: string, purpose: string, value: string): Promise<string>;
}

export const USER_TAG_PURPOSE = 'search.user';

/**
 * The `LatchkeyUser` value for an end user: a keyed hash under the tenant's key, the same for
 * every run of that user (so an operator can filter by it: `pnpm latchkey user-tag`), '' for
 * runs of no user. Workflow ids carry no user at all.
 */
export async function userSearchTag(
  hasher: KeyedHasher,
  tenantId: string,
  userId: string | null | undefined,
): Promise<string> {
  if (userId === null || userId === undefined) return '';
  return hasher.keyedHash(tenantId, USER_TAG_PURPOSE, userId);
}
