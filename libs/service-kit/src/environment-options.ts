import type { FactoryProvider } from '@nestjs/common';
import { SERVICE_ENV } from './service-runtime.module';

/**
 * Provides a module's options (scheduler intervals, batch sizes, tunables) read and validated from the environment
 * the service was started with, never from process.env: tests and `npm run up` pass their own.
 */
export function optionsFromEnvironment<Options>(token: symbol, read: (env: NodeJS.ProcessEnv) => Options): FactoryProvider<Options> {
  return { provide: token, useFactory: (env: NodeJS.ProcessEnv) => read(env), inject: [SERVICE_ENV] };
}
