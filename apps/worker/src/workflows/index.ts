// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O here.
export { deliverEventWorkflow } from './deliver-event';
export { connectionHealthSweepWorkflow, tenantConnectionHealthWorkflow } from './health';
export { connectionRefresherWorkflow } from './refresher';
export { runWorkflow } from './run';
export { smokeWorkflow } from './smoke';
export { verifyCredentialsWorkflow } from './verify';
