import { type EgressPolicy, EgressRefusedError } from '@latchkey/egress';
import { InvalidInputError } from '../errors';

/**
 * An integration's literal destinations pass the egress policy when it is written, so a tenant
 * learns at once that `urlHost: http://127.0.0.1:3000` (or a custom OAuth token URL on a private
 * address) will never be reached. A destination whose host or port is a `<<placeholder>>` is
 * checked when a step fills it in; steps check every connection anyway, so this is the early,
 * readable half of the rule, not the rule itself.
 */
const PLACEHOLDER = /<<[^<>]*>>/g;

/** The URL to check, or undefined when its host or port is a placeholder. */
function literalDestination(text: string): URL | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  const authority = /^[^:]+:\/\/([^/?#]*)/.exec(withScheme)?.[1] ?? '';
  const hostPart = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPart.includes('<<')) return undefined;
  // Userinfo placeholders (`<<user>>:<<password>>@`) do not change where it goes.
  const filled = withScheme.replace(PLACEHOLDER, 'placeholder');
  return URL.canParse(filled) ? new URL(filled) : undefined;
}

export interface IntegrationDestinations {
  urlHost: string;
  oauth?: { authorizeUrl?: string; tokenUrl?: string; revokeUrl?: string } | null;
}

/** Throws InvalidInputError (BAD_REQUEST) naming the field whose destination is refused. */
export async function checkIntegrationEgress(
  egress: Pick<EgressPolicy, 'checkUrl'>,
  destinations: IntegrationDestinations,
): Promise<void> {
  const fields: [string, string | undefined][] = [
    ['urlHost', destinations.urlHost],
    ['oauth.authorizeUrl', destinations.oauth?.authorizeUrl],
    ['oauth.tokenUrl', destinations.oauth?.tokenUrl],
    ['oauth.revokeUrl', destinations.oauth?.revokeUrl],
  ];
  for (const [field, value] of fields) {
    const url = value ? literalDestination(value) : undefined;
    if (!url) continue;
    try {
      await egress.checkUrl(url);
    } catch (error) {
      if (error instanceof EgressRefusedError) throw new InvalidInputError(field, error.message);
      throw error;
    }
  }
}
