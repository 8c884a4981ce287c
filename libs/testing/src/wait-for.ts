export interface WaitForOptions {
  /** What is awaited, for the timeout message ("the outbox to be empty"). */
  readonly description: string;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Polls `predicate` until it returns something truthy and resolves with that value. On timeout it
 * throws naming the description, with the predicate's last error if it was throwing.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, { description, timeoutMs = 5000, intervalMs = 50 }: WaitForOptions): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
