import {
  type AuthScheme,
  checkResolvable,
  isVariablePath,
  listPlaceholders,
} from '@latchkey/credential-mapper';
import { schemaProblem } from './schema';
import { highestSqlParameter } from './sql-text';
import { type WorkflowStep, workflowStepsSchema } from './steps';
import { jsonataCompileProblem } from './transform';

/** What validation (and the planner) needs to know about an integration: names, never values. */
export interface IntegrationInfo {
  id: string;
  kind: 'http' | 'database';
  urlHost: string;
  urlPath: string;
  auth?: AuthScheme;
  /** The scheme of the integration's template, when it declares none itself. */
  templateAuth?: AuthScheme;
  /** Names of the credentials stored on the integration. */
  credentialNames: string[];
  /** Names on the end user's connection, when the workflow is built for one. */
  connectionCredentialNames?: string[];
  /** For the planner. */
  name?: string;
  instructions?: string;
  docsUrl?: string;
}

export interface ValidationProblem {
  /** Dotted path into the definition: `steps.1.method`, `steps.0.query.since`, `inputSchema`. */
  path: string;
  message: string;
}

/** A credential placeholder no known name satisfies: runtime credentials may still supply it. */
export interface UnresolvedCredential {
  step: string;
  placeholder: string;
  path: string;
  message: string;
}

export interface ValidationWarnings {
  unresolvedCredentials: UnresolvedCredential[];
}

export type ValidationResult =
  | { ok: true; steps: WorkflowStep[]; warnings: ValidationWarnings }
  | { ok: false; problems: ValidationProblem[]; warnings: ValidationWarnings };

export interface WorkflowDefinitionInput {
  steps: unknown;
  integrations: readonly IntegrationInfo[];
  inputSchema?: unknown;
  responseSchema?: unknown;
}

type Found = { path: string; name: string };

/** Placeholders with the path of the string they sit in (object keys are literal). */
function placeholdersIn(value: unknown, path: string, out: Found[] = []): Found[] {
  if (typeof value === 'string') {
    for (const name of listPlaceholders(value)) out.push({ path, name });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      placeholdersIn(item, `${path}.${i}`, out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) placeholdersIn(item, `${path}.${key}`, out);
  }
  return out;
}

function variableProblem(name: string, index: number, ids: readonly string[]): string | undefined {
  const [root, stepId] = name.split('.');
  if (root === 'input') return undefined;
  if (root !== 'steps') {
    return `<<${name}>> is not a known variable: use <<input.…>> or <<steps.<id>.…>>`;
  }
  const at = stepId === undefined ? -1 : ids.indexOf(stepId);
  if (at === -1) return `<<${name}>> refers to no step "${stepId ?? ''}"`;
  if (at === index) return `<<${name}>> refers to this step's own result`;
  if (at > index) {
    return `<<${name}>> refers to step "${stepId}", which runs later (a step reads earlier steps only)`;
  }
  return undefined;
}

/**
 * Checks a workflow definition before it is stored: shape, ids, integrations, expressions,
 * schemas and placeholders. Credential placeholders that no known name satisfies are warnings,
 * not errors, because runtime credentials are supplied per run; ambiguous ones are errors.
 * Auth-scheme credentials are left to the mapper at run time.
 */
export function validateWorkflowDefinition(input: WorkflowDefinitionInput): ValidationResult {
  const problems: ValidationProblem[] = [];
  const warnings: ValidationWarnings = { unresolvedCredentials: [] };
  const problem = (path: string, message: string) => problems.push({ path, message });

  for (const key of ['inputSchema', 'responseSchema'] as const) {
    const schema = input[key];
    if (schema === undefined || schema === null) continue;
    const why = schemaProblem(schema);
    if (why) problem([key, ...why.path].join('.'), `not a usable JSON Schema: ${why.message}`);
  }

  const parsed = workflowStepsSchema.safeParse(input.steps);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problem(['steps', ...issue.path.map(String)].join('.'), issue.message);
    }
    return { ok: false, problems, warnings };
  }
  const steps = parsed.data;
  const ids = steps.map((step) => step.id);
  const integrations = new Map(input.integrations.map((i) => [i.id, i]));

  steps.forEach((step, index) => {
    const at = `steps.${index}`;
    const integration = integrations.get(step.integrationId);
    if (!integration) {
      const known = [...integrations.keys()].join(', ') || 'none';
      problem(
        `${at}.integrationId`,
        `unknown integration "${step.integrationId}" (known: ${known})`,
      );
    } else if (step.type === 'sql' && integration.kind !== 'database') {
      problem(
        `${at}.type`,
        `a sql step needs a database integration; "${integration.id}" is an http integration`,
      );
    } else if (step.type === 'http' && integration.kind !== 'http') {
      problem(
        `${at}.type`,
        `"${integration.id}" is a database integration: use a sql step (type "sql")`,
      );
    }

    const expressions: [string, string | undefined][] = [[`${at}.transform`, step.transform]];
    if (step.type === 'http' && step.pagination) {
      expressions.push([`${at}.pagination.itemsPath`, step.pagination.itemsPath]);
      if (step.pagination.type === 'cursor') {
        expressions.push([`${at}.pagination.cursorPath`, step.pagination.cursorPath]);
      }
    }
    for (const [path, expression] of expressions) {
      if (expression === undefined) continue;
      const why = jsonataCompileProblem(expression);
      if (why) problem(path, `JSONata does not compile: ${why}`);
    }

    const found: Found[] = [];
    if (step.type === 'http') {
      placeholdersIn(step.path, `${at}.path`, found);
      placeholdersIn(step.query, `${at}.query`, found);
      placeholdersIn(step.headers, `${at}.headers`, found);
      placeholdersIn(step.body, `${at}.body`, found);
    } else {
      if (listPlaceholders(step.sql).length > 0) {
        problem(
          `${at}.sql`,
          'placeholders are never put into SQL text: use $1, $2 … and pass the values in params',
        );
      }
      placeholdersIn(step.params, `${at}.params`, found);
      const used = highestSqlParameter(step.sql);
      const given = step.params?.length ?? 0;
      if (used !== given) {
        problem(
          `${at}.params`,
          `the SQL uses ${used ? `$1…$${used}` : 'no parameters'} but ${given} param${given === 1 ? ' is' : 's are'} given`,
        );
      }
    }

    const credentialsAt = new Map<string, string>();
    for (const { path, name } of found) {
      if (isVariablePath(name)) {
        const why = variableProblem(name, index, ids);
        if (why) problem(path, why);
      } else if (step.type === 'sql') {
        problem(
          path,
          `<<${name}>> is a credential: credentials belong in the integration's connection string, not in SQL params`,
        );
      } else if (!credentialsAt.has(name)) {
        credentialsAt.set(name, path);
      }
    }
    if (!integration) return;
    // The integration's own URL templates are part of every request it makes.
    for (const { name } of placeholdersIn([integration.urlHost, integration.urlPath], '')) {
      if (!isVariablePath(name) && !credentialsAt.has(name)) {
        credentialsAt.set(name, `${at}.integrationId`);
      }
    }
    if (credentialsAt.size === 0) return;
    const report = checkResolvable(
      [...credentialsAt.keys()],
      {
        integration: integration.credentialNames,
        connection: integration.connectionCredentialNames ?? [],
      },
      integration.id,
    );
    for (const { placeholder, candidates } of report.ambiguous) {
      problem(
        credentialsAt.get(placeholder) ?? at,
        `<<${placeholder}>> is ambiguous for integration "${integration.id}": it matches ${candidates.join(', ')}; use one exact name`,
      );
    }
    for (const { placeholder } of report.unresolved) {
      warnings.unresolvedCredentials.push({
        step: step.id,
        placeholder,
        path: credentialsAt.get(placeholder) ?? at,
        message: `<<${placeholder}>> matches no credential stored for "${integration.id}"; it must be supplied at run time`,
      });
    }
  });

  return problems.length ? { ok: false, problems, warnings } : { ok: true, steps, warnings };
}
