export { createActivities } from './activities';
export { TenantLimiter } from './tenant-limiter';
export {
  bundleWorkflows,
  createLatchkeyWorker,
  silentBundlerLogger,
  WORKFLOWS_PATH,
} from './worker';
