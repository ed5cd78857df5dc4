export { createActivities } from './activities';
export { bundleWorkflows, createLatchkeyWorker, WORKFLOWS_PATH } from './worker';
