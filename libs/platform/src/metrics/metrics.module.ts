import { Controller, Get, Inject, Module, Res, type DynamicModule } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import type { MetricsRegistry } from './metrics';

const METRICS_SETTINGS = Symbol('METRICS_SETTINGS');

interface MetricsSettings {
  readonly registry: MetricsRegistry;
  readonly logger?: Logger;
}

/**
 * GET /metrics in the Prometheus text format, next to the health endpoints (same port, same audience: operators'
 * scrapers, never the gateway's clients). A metric that cannot be collected (the database is down, say) answers
 * 503 and is logged, like a failed readiness check.
 */
@Controller('metrics')
class MetricsController {
  constructor(@Inject(METRICS_SETTINGS) private readonly settings: MetricsSettings) {}

  @Get()
  async metrics(@Res() res: Response): Promise<void> {
    try {
      const text = await this.settings.registry.metrics();
      res.status(200).type(this.settings.registry.contentType).send(text);
    } catch (error) {
      this.settings.logger?.warn({ err: error }, 'Metrics could not be collected');
      res.status(503).type('text/plain').send('metrics unavailable\n');
    }
  }
}

/** The metrics endpoint of a service, for its root module's imports. */
@Module({})
export class MetricsModule {
  static register(registry: MetricsRegistry, options: { logger?: Logger } = {}): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: METRICS_SETTINGS, useValue: { registry, logger: options.logger } satisfies MetricsSettings }],
    };
  }
}
