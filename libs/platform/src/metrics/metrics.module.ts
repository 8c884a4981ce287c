import { Controller, Get, Inject, Module, Res, type DynamicModule } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import type { MetricsRegistry } from './metrics';
import { sendMetrics } from './metrics-endpoint';

const METRICS_SETTINGS = Symbol('METRICS_SETTINGS');

interface MetricsSettings {
  readonly registry: MetricsRegistry;
  readonly logger?: Logger;
}

/** GET /metrics next to the health endpoints (same port, same audience: operators' scrapers, never the gateway's clients). */
@Controller('metrics')
class MetricsController {
  constructor(@Inject(METRICS_SETTINGS) private readonly settings: MetricsSettings) {}

  @Get()
  async metrics(@Res() res: Response): Promise<void> {
    await sendMetrics(this.settings.registry, res, this.settings.logger);
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
