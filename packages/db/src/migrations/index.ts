import type { Migration } from 'kysely';
import * as initial from './2026_11_25_0001_initial';
import * as platformTenant from './2026_11_25_0002_platform_tenant';
import * as runKeys from './2026_11_25_0003_run_keys';
import * as oauthReturnUrl from './2026_11_25_0004_oauth_return_url';
import * as runFinishedNotify from './2026_11_25_0005_run_finished_notify';
import * as unfinishedRunsIndex from './2026_12_05_0006_unfinished_runs_index';
import * as credentialHealth from './2026_12_06_0007_credential_health';
import * as tokenObtainedAt from './2026_12_06_0008_token_obtained_at';
import * as tenantWebhooks from './2026_12_06_0010_tenant_webhooks';
import * as connectionHealth from './2026_12_06_0011_connection_health';
import * as rateLimits from './2026_12_06_0012_rate_limits';
import * as browserBoundConnects from './2026_12_06_0013_browser_bound_connects';
import * as refreshLeases from './2026_12_06_0014_refresh_leases';
import * as oauthStartLinks from './2026_12_06_0015_oauth_start_links';
import * as runQuotaLock from './2026_12_06_0016_run_quota_lock';

/** Every migration, by name; names sort in the order they must run. */
export const migrations: Record<string, Migration> = {
  '2026_11_25_0001_initial': initial,
  '2026_11_25_0002_platform_tenant': platformTenant,
  '2026_11_25_0003_run_keys': runKeys,
  '2026_11_25_0004_oauth_return_url': oauthReturnUrl,
  '2026_11_25_0005_run_finished_notify': runFinishedNotify,
  '2026_12_05_0006_unfinished_runs_index': unfinishedRunsIndex,
  '2026_12_06_0007_credential_health': credentialHealth,
  '2026_12_06_0008_token_obtained_at': tokenObtainedAt,
  '2026_12_06_0010_tenant_webhooks': tenantWebhooks,
  '2026_12_06_0011_connection_health': connectionHealth,
  '2026_12_06_0012_rate_limits': rateLimits,
  '2026_12_06_0013_browser_bound_connects': browserBoundConnects,
  '2026_12_06_0014_refresh_leases': refreshLeases,
  '2026_12_06_0015_oauth_start_links': oauthStartLinks,
  '2026_12_06_0016_run_quota_lock': runQuotaLock,
};
