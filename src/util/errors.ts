/** An error's message for people and logs: the `message` of an Error, anything else as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
