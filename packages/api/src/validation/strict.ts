import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';

/**
 * Input objects are strict: an unknown key is refused, never dropped, so a typo
 * (`specificInstruction`) cannot lose data silently. The message names the key and, when one
 * is close, the key the caller probably meant.
 */
export function describeUnknownKeys(unknown: readonly string[], known: readonly string[]): string {
  return unknown
    .map((key) => {
      const guess = suggestKey(key, known);
      return guess
        ? `unknown key '${key}'; did you mean '${guess}'?`
        : `unknown key '${key}' (known keys: ${known.join(', ')})`;
    })
    .join('; ');
}

/** The known key a mistyped one most likely stands for: same letters, or a small edit away. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const folded = (k: string) => k.toLowerCase().replace(/[_-]/g, '');
  const sameLetters = known.find((k) => folded(k) === folded(key));
  if (sameLetters) return sameLetters;
  const best = closest(key, [...known]);
  // A third of the key's length, at least one and at most three edits.
  const allowed = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  return distance(key, best) <= allowed ? best : undefined;
}

const unknownKeysError: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'unrecognized_keys') return undefined;
  // The schema that raised the issue: `extend` keeps this error map, so its keys are current.
  const def = issue.inst?._zod.def as { shape?: Record<string, unknown> } | undefined;
  return describeUnknownKeys(issue.keys, Object.keys(def?.shape ?? {}));
};

/** `z.strictObject` whose unknown-key error says which key and what was meant. */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, { error: unknownKeysError });
}

/** Optional, and `null` means the same as absent (objects we return carry nulls). */
export function optionalOrNull<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? undefined);
}

/**
 * A field of an object we return that a caller may pass back unchanged (a round trip:
 * `upsertIntegration(await getIntegration(id))`). Accepted and ignored.
 */
export const readOnly = z
  .unknown()
  .optional()
  .transform(() => undefined);
