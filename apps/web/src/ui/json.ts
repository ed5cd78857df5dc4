/** Parses a JSON textarea; the message names the field, like the api's own messages. */
export function parseJson(
  label: string,
  text: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `${label}: not valid JSON (${reason})` };
  }
}

export const prettyJson = (value: unknown) => JSON.stringify(value, null, 2);
