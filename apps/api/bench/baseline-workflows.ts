/** Temporal's floor for the execute benchmark: a workflow that does nothing but return. */
export async function echo(input: unknown): Promise<unknown> {
  return input;
}
