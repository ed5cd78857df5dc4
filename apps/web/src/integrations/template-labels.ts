import type { Template, TemplateCategory } from '../api/types';

/** Every catalogue category with its label; the type makes a new category fail to compile here. */
export const CATEGORY_LABELS: Record<TemplateCategory, string> = {
  ai: 'AI',
  analytics: 'Analytics and data',
  commerce: 'Commerce',
  communication: 'Communication',
  crm: 'CRM and sales',
  database: 'Databases',
  design: 'Design',
  developer: 'Developer tools',
  email: 'Email',
  finance: 'Finance',
  forms: 'Forms and surveys',
  hr: 'HR and recruiting',
  marketing: 'Marketing',
  media: 'Media',
  payments: 'Payments',
  productivity: 'Productivity',
  scheduling: 'Scheduling',
  social: 'Social',
  storage: 'Storage',
  support: 'Support',
};

/** Categories in label order, for a picker. */
export const CATEGORY_OPTIONS = (Object.entries(CATEGORY_LABELS) as [TemplateCategory, string][])
  .map(([value, label]) => ({ value, label }))
  .sort((a, b) => a.label.localeCompare(b.label));

/** How the template's integration authenticates, in a few words. */
export function templateAuthLabel(template: Template): string {
  if (template.oauth) {
    return template.oauth.grantTypes.includes('client_credentials')
      ? 'OAuth 2.0 (also client credentials)'
      : 'OAuth 2.0';
  }
  switch (template.auth.type) {
    case 'database':
      return 'Database';
    case 'basic':
      return 'Basic auth';
    case 'query':
      return 'API key (query)';
    default:
      return 'API key';
  }
}

/** Whether a credential test can check the credentials: a verification request, or SQL. */
export function templateVerifies(template: Template): boolean {
  return template.verify !== undefined || template.auth.type === 'database';
}
