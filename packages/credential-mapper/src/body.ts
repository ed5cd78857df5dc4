import type { MappingContext, Where } from './context';
import { formEncode, jsonEscape } from './encoding';
import { substitute, wholePlaceholder } from './placeholders';
import { encodeOrThrow, resolveText, where } from './render';
import type { JsonValue } from './types';
import { variableToJson } from './variables';

/**
 * Bodies: values are encoded for the body's content type. A JSON value is rendered deeply and
 * serialised (content-type defaults to application/json); with a form content type a plain object
 * becomes `a=1&b=2`; a string body is text of its content type, so placeholder values are
 * JSON-escaped (JSON), form-encoded (form) or inserted raw (anything else).
 */
type BodyKind = 'json' | 'form' | 'other';

function bodyKind(contentType: string | undefined): BodyKind {
  if (!contentType) return 'other';
  if (/^\s*(application|text)\/([\w.-]+\+)?json\b/i.test(contentType)) return 'json';
  if (/^\s*application\/x-www-form-urlencoded\b/i.test(contentType)) return 'form';
  return 'other';
}

const isPlainObject = (value: unknown): value is { [key: string]: JsonValue } =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * JSON body: placeholders replaced inside strings, deeply; a string that is exactly one variable
 * placeholder takes the variable's JSON value (numbers stay numbers, arrays stay arrays). Keys are
 * literal. Object.fromEntries keeps a `__proto__` key as data.
 */
function renderJson(ctx: MappingContext, value: JsonValue, at: Where): JsonValue {
  if (typeof value === 'string') {
    const whole = wholePlaceholder(value);
    if (whole !== undefined) {
      const found = ctx.resolvePlaceholder(whole, at);
      return found.kind === 'credential' ? found.entry.value : variableToJson(found.value, whole);
    }
    return substitute(value, (name) => resolveText(ctx, name, at));
  }
  if (Array.isArray(value)) return value.map((item) => renderJson(ctx, item, at));
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, renderJson(ctx, item, at)]),
    );
  }
  return value;
}

function formText(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function renderBody(
  ctx: MappingContext,
  body: JsonValue | undefined,
  contentType: string | undefined,
): { text: string; json: boolean } | undefined {
  if (body === undefined) return undefined;
  const kind = bodyKind(contentType);
  if (typeof body === 'string') {
    // A string body is text of its content type: values are escaped for it.
    const [encode, label] =
      kind === 'json'
        ? [jsonEscape, 'JSON-escaped']
        : kind === 'form'
          ? [formEncode, 'form-encoded']
          : [(text: string) => text, 'raw'];
    const at = where('body', 'the body', label);
    const text = substitute(body, (name) => {
      const value = resolveText(ctx, name, at);
      return encodeOrThrow(() => encode(value), name, 'body');
    });
    return { text, json: false };
  }
  if (kind === 'form' && isPlainObject(body)) {
    const rendered = renderJson(ctx, body, where('body', 'the body', 'form-encoded'));
    const pairs = Object.entries(isPlainObject(rendered) ? rendered : {}).flatMap(([key, item]) =>
      (Array.isArray(item) ? item : [item]).map(
        (one) =>
          `${formEncode(key)}=${encodeOrThrow(() => formEncode(formText(one)), key, 'body')}`,
      ),
    );
    return { text: pairs.join('&'), json: false };
  }
  const rendered = renderJson(ctx, body, where('body', 'the JSON body', 'JSON-escaped'));
  return { text: JSON.stringify(rendered), json: true };
}
