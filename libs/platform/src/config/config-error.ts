/**
 * The configuration could not be loaded. The message is one line naming every bad variable,
 * so an operator sees all the problems at once and no stack trace is needed.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}
