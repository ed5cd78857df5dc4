import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes every run carries, so the Temporal UI can filter by them, e.g.
 * `LatchkeyTenant = "acme" AND LatchkeyWorkflow = "stripe-customers"`.
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
