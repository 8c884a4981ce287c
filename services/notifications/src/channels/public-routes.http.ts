import type { INestApplication } from '@nestjs/common';
import { isUuid } from '@mutuo/domain';
import { query } from '@mutuo/event-store';
import { SERVICE_LOGGER } from '@mutuo/service-kit';
import { EntityManager } from '@mikro-orm/postgresql';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { capPath } from '../shared/cap-path';
import { DeliveryWorker } from '../shared/delivery/delivery.worker';
import { NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE } from '../shared/policy-settings';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../shared/channels/notifications.config';
import { isValidSmsRequestSignature } from '../shared/channels/sms-request-signature';
import { SMS_STATUS_PATH } from '../shared/channels/sms.channel';

/** The callback URLs we hand out carry ids as we write them, lowercase: anything else was not ours. */
const isOurId = (value: string) => isUuid(value) && value === value.toLowerCase();
const CAP_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.xml$/;
const RECEIPT_STATUSES: Record<string, 'delivered' | 'undelivered'> = { delivered: 'delivered', undelivered: 'undelivered', failed: 'undelivered' };

/**
 * Public routes, outside the gateway: CAP 1.2 documents for agencies and alerting gateways
 * (`GET /public/cap/<alertId>.xml`, reached at NOTIFICATIONS_PUBLIC_URL) and the SMS provider's signed delivery
 * receipts (`POST /public/sms/status`).
 */
export function mountPublicRoutes(app: INestApplication): void {
  const expressApp = app.getHttpAdapter().getInstance() as Express;
  const logger = app.get<Logger>(SERVICE_LOGGER);
  const config = app.get<NotificationsConfig>(NOTIFICATIONS_CONFIG);
  const em = app.get(EntityManager);

  expressApp.get(capPath(':file').replace('.xml', ''), async (req, res) => {
    const match = CAP_FILE.exec(String(req.params.file));
    if (!match) {
      res.status(404).type('text/plain').send('No such alert');
      return;
    }
    try {
      const [row] = await em.fork().transactional(async (tx) => {
        // CAP alerts are public: reading one across pods is what this route is for.
        await query(tx, 'select set_config(?, ?, true)', [NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE]);
        return query<{ cap_xml: string }>(tx, 'select cap_xml from area_alerts where alert_id = ?', [match[1]]);
      });
      if (!row) {
        res.status(404).type('text/plain').send('No such alert');
        return;
      }
      res.status(200).set({ 'content-type': 'application/cap+xml; charset=utf-8', 'cache-control': 'public, max-age=60' }).send(row.cap_xml);
    } catch (error) {
      logger.error({ err: error }, 'CAP alert could not be read');
      res.status(503).type('text/plain').send('Try again shortly');
    }
  });

  expressApp.post(SMS_STATUS_PATH, express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const params = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
    const signature = req.get('x-twilio-signature') ?? '';
    // The provider signs the callback URL we gave it, query included: the delivery it names cannot be forged.
    if (!config.sms || !isValidSmsRequestSignature(config.sms.authToken, `${config.publicUrl}${req.originalUrl}`, params, signature)) {
      res.status(403).json({ error: 'invalid_signature', field: 'X-Twilio-Signature' });
      return;
    }
    const deliveryId = String(req.query.delivery ?? '');
    const podId = String(req.query.pod ?? '');
    if (!isOurId(deliveryId) || (podId !== '' && !isOurId(podId))) {
      res.status(400).json({ error: 'invalid_request', field: 'delivery' });
      return;
    }
    const sid = params.MessageSid;
    const status = RECEIPT_STATUSES[params.MessageStatus ?? ''];
    if (!sid || !/^[A-Za-z0-9]{10,64}$/.test(sid)) {
      res.status(400).json({ error: 'invalid_request', field: 'MessageSid' });
      return;
    }
    if (!status) {
      res.status(204).end(); // queued, sending, sent: nothing final yet.
      return;
    }
    try {
      // Not known yet when the receipt overtakes our own record of the send: the provider tries again.
      if (await app.get(DeliveryWorker).recordReceipt(podId || null, deliveryId, sid, status)) res.status(204).end();
      else res.status(503).json({ error: 'try_again' });
    } catch (error) {
      logger.error({ err: error, sid }, 'SMS receipt could not be recorded; the provider retries');
      res.status(503).json({ error: 'try_again' });
    }
  });
}
