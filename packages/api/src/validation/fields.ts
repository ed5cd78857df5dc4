import { createAuthSchemeSchema, credentialNameSchema } from '@latchkey/credential-mapper';
import { z } from 'zod';
import { strictObject } from './strict';

/** Integration ids appear in URLs, Temporal ids and runtime credential prefixes (`stripe_key`). */
export const integrationIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'must be 1-128 letters, digits, dots, dashes or underscores, starting with a letter or digit',
  );

/** Provider endpoints, docs and return URLs: http(s) only, bounded. */
export const httpUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048);

/** End-user ids come from the tenant's own system: anything printable, bounded. */
export const userIdSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

export const MAX_CREDENTIALS = 50;
export const MAX_CREDENTIAL_BYTES = 16 * 1024;

export { credentialNameSchema };

/**
 * A flat map of names to strings or numbers (numbers become strings: ports, account ids).
 * Nested objects are refused so every value can be masked, encoded and redacted alike. An
 * `undefined` value (`process.env.X` that is not set) is dropped, as JSON would drop it.
 */
export const credentialsInputSchema = z
  .record(
    credentialNameSchema,
    z
      .union([z.string(), z.number().finite()], {
        error: 'credential values must be strings or numbers (a flat map, no nesting)',
      })
      .optional(),
  )
  .superRefine((value, ctx) => {
    const names = Object.keys(value);
    if (names.length > MAX_CREDENTIALS) {
      ctx.addIssue({ code: 'custom', message: `at most ${MAX_CREDENTIALS} credentials` });
    }
    for (const name of names) {
      const raw = value[name];
      if (raw === undefined) continue;
      const text = typeof raw === 'number' ? String(raw) : raw;
      if (Buffer.byteLength(text) > MAX_CREDENTIAL_BYTES) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `value is larger than ${MAX_CREDENTIAL_BYTES / 1024} KiB`,
        });
      }
      if (text.length === 0) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'value is empty' });
      }
    }
  })
  .transform(
    (value): Record<string, string> =>
      Object.fromEntries(
        Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
      ),
  );

/** The shared auth-scheme rules (the catalogue's templates pass them too), with our key messages. */
export const authSchemeSchema = createAuthSchemeSchema({ strictObject });

export type AuthSchemeInput = z.infer<typeof authSchemeSchema>;

const SUPPORTED_PROTOCOLS = ['http:', 'https:', 'postgres:', 'postgresql:', 'mysql:'];

/**
 * Checks a URL that may hold `<<placeholders>>` (`https://<<shop>>.myshopify.com`,
 * `postgresql://<<user>>:<<password>>@<<host>>:<<port>>`) by parsing it with stand-ins.
 */
export function urlTemplateProblem(template: string): string | undefined {
  const standIn = template.replace(/:<<[^<>]+>>(?=$|[/?#])/g, ':1').replace(/<<[^<>]+>>/g, 'x');
  let parsed: URL;
  try {
    parsed = new URL(standIn);
  } catch {
    return 'must be an absolute URL such as https://api.example.com or postgresql://<<user>>:<<password>>@<<host>>:<<port>>';
  }
  if (!SUPPORTED_PROTOCOLS.includes(parsed.protocol)) {
    return `unsupported scheme '${parsed.protocol.replace(/:$/, '')}' (use http, https, postgres, postgresql or mysql)`;
  }
  if (!parsed.hostname) return 'must name a host';
  return undefined;
}

export const urlHostSchema = z
  .string()
  .trim()
  .max(2048)
  .superRefine((value, ctx) => {
    const problem = urlTemplateProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Splits `https://api.stripe.com/v1` into host `https://api.stripe.com` and path `/v1`. */
export function splitUrl(url: string): { host: string; path: string } {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*)(.*)$/.exec(url);
  return { host: match?.[1] ?? url, path: match?.[2] ?? '' };
}
