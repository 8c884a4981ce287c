import type { INestApplication } from '@nestjs/common';
import { DomainRuleViolation } from '@mutuo/domain';
import type { Logger } from '@mutuo/platform';
import { SERVICE_LOGGER } from '@mutuo/service-kit';
import type { Express, Response } from 'express';
import { parsePeriod, publicReportCsv } from '../domain/public-report';
import { checkUuid } from '../funds.input';
import { PublicReportQueries } from './public-report.queries';

export const PUBLIC_REPORT_PATH = '/public/funds/pods/:podId/reports/:period';
const REPORT_FILE = /^(.+)\.(json|csv)$/;

function refuse(res: Response, status: number, code: string, field: string, message: string): void {
  res.status(status).set('cache-control', 'no-store').json({ error: { code, field, message } });
}

/**
 * A pod's public funds report, readable by anyone without an account (transparency is the point): figures only, no
 * names except donors who opted in. `GET /public/funds/pods/<podId>/reports/<period>.json|.csv`, period = 2026-11,
 * 2026-Q4 or 2026. Public on purpose, outside the gateway (like membership's JWKS); it never writes.
 */
export function mountPublicReport(app: INestApplication): void {
  const reports = app.get(PublicReportQueries);
  const logger = app.get<Logger>(SERVICE_LOGGER);
  const expressApp = app.getHttpAdapter().getInstance() as Express;
  expressApp.get(PUBLIC_REPORT_PATH, async (req, res) => {
    const file = REPORT_FILE.exec(String(req.params.period));
    if (!file) return refuse(res, 400, 'INVALID_FORMAT', 'format', 'Ask for <period>.json or <period>.csv');
    const [, label, format] = file as unknown as [string, string, 'json' | 'csv'];
    try {
      const podId = checkUuid(String(req.params.podId), 'podId');
      parsePeriod(label);
      if (!(await reports.podExists(podId))) return refuse(res, 404, 'POD_NOT_FOUND', 'podId', 'No pod with this id keeps funds here');
      const report = await reports.report(podId, label);
      res.set('cache-control', 'public, max-age=60');
      if (format === 'csv') {
        res
          .status(200)
          .set({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="funds-${podId}-${label}.csv"` })
          .send(publicReportCsv(report));
      } else {
        res.status(200).json(report);
      }
    } catch (error) {
      if (error instanceof DomainRuleViolation) return refuse(res, 400, error.code, error.field ?? 'period', error.message);
      logger.error({ err: error }, 'The public funds report failed');
      refuse(res, 500, 'INTERNAL_SERVER_ERROR', 'podId', 'Internal server error');
    }
  });
}
