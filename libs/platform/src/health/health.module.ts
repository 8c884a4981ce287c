import { Controller, Get, Inject, Module, Res, type DynamicModule } from '@nestjs/common';
import type { Response } from 'express';
import { checkReadiness, type HealthCheck, type HealthOptions } from './readiness';

const HEALTH_SETTINGS = Symbol('HEALTH_SETTINGS');

interface HealthSettings {
  readonly checks: Record<string, HealthCheck>;
  readonly timeoutMs: number;
  readonly logger?: HealthOptions['logger'];
}

/**
 * GET /health/live answers 200 while the process runs; GET /health/ready runs every check in parallel and answers
 * 200, or 503 when any failed. Failure details go to the log, not the response.
 */
@Controller('health')
class HealthController {
  constructor(@Inject(HEALTH_SETTINGS) private readonly settings: HealthSettings) {}

  @Get('live')
  live(@Res() res: Response): void {
    res.status(200).json({ status: 'live' });
  }

  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const report = await checkReadiness(this.settings.checks, this.settings.timeoutMs, this.settings.logger);
    res.status(report.status === 'ready' ? 200 : 503).json(report);
  }
}

/** The health endpoints of a service, for its root module's imports. */
@Module({})
export class HealthModule {
  static register(checks: Record<string, HealthCheck>, options: HealthOptions = {}): DynamicModule {
    const settings: HealthSettings = { checks, timeoutMs: options.timeoutMs ?? 2000, logger: options.logger };
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: HEALTH_SETTINGS, useValue: settings }],
    };
  }
}
