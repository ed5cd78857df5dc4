import { createRedactor, type Redactor } from '@latchkey/credential-mapper';

/**
 * The secret values one step has met (its runtime credentials, the values each mapped request
 * used) and one redactor for them. A redactor compiles one pattern from every form of every
 * secret, so it is built when first asked for and again only after a value it has not seen
 * arrives (a refreshed token), not once per page and once more per use.
 */
export class StepSecrets {
  readonly #values = new Set<string>();
  #redactor: Redactor | undefined;

  add(values: Iterable<string>): void {
    for (const value of values) {
      if (this.#values.has(value)) continue;
      this.#values.add(value);
      this.#redactor = undefined;
    }
  }

  get redactor(): Redactor {
    this.#redactor ??= createRedactor(this.#values);
    return this.#redactor;
  }
}
