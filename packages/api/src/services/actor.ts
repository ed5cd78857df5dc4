/** Who did it, for the audit log: the tenant acted on and the caller (`api_key:<id>`, `cli`, ...). */
export interface Actor {
  tenantId: string;
  actor: string;
}
