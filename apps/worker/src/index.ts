export { createActivities } from './activities';
export {
  bundleWorkflows,
  createLatchkeyWorker,
  silentBundlerLogger,
  WORKFLOWS_PATH,
} from './worker';
