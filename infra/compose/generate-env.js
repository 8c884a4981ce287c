#!/usr/bin/env node
// Prints infra/compose/.env.example with every secret replaced by a fresh random one:
//   node infra/compose/generate-env.js [region-slug] > infra/compose/.env
// The mail relay and public address stay placeholders: they name real machines only the operator knows.
'use strict';
const { generateKeyPairSync, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const region = process.argv[2] ?? 'local';
if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(region)) {
  process.stderr.write(`generate-env: the region must be a lowercase slug such as "north-east" (got "${region}")\n`);
  process.exit(1);
}
const oneLine = (pem) => pem.trim().split('\n').join('\\n');
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const hex = () => randomBytes(32).toString('hex');
// nats-server reads a password from its environment as a config value: one starting with a digit would parse as a number.
const natsPassword = () => `n${hex()}`;
const values = {
  MUTUO_REGION: region,
  POSTGRES_PASSWORD: hex(),
  MEMBERSHIP_DB_PASSWORD: hex(),
  REQUESTS_DB_PASSWORD: hex(),
  MATCHING_DB_PASSWORD: hex(),
  FUNDS_DB_PASSWORD: hex(),
  NOTIFICATIONS_DB_PASSWORD: hex(),
  NATS_PASSWORD_MEMBERSHIP: natsPassword(),
  NATS_PASSWORD_REQUESTS: natsPassword(),
  NATS_PASSWORD_MATCHING: natsPassword(),
  NATS_PASSWORD_FUNDS: natsPassword(),
  NATS_PASSWORD_NOTIFICATIONS: natsPassword(),
  NATS_PASSWORD_PROVISIONING: natsPassword(),
  MEMBERSHIP_SIGNING_KEY: oneLine(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
  JWT_PUBLIC_KEY: oneLine(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  JWT_ISSUER: `https://${region}.mutuo.invalid`,
  JWT_AUDIENCE: `mutuo-${region}`,
  GATEWAY_SHARED_SECRET: hex(),
  MEMBERSHIP_HASH_SECRET: hex(),
  MEMBERSHIP_CODE_DELIVERY_KEY: randomBytes(32).toString('base64'),
  PERSONAL_DATA_KEKS: `k1:${randomBytes(32).toString('base64')}`,
};
const example = fs.readFileSync(path.join(__dirname, '.env.example'), 'utf8');
const filled = example.replace(/^([A-Z0-9_]+)=.*$/gm, (line, name) => (name in values ? `${name}=${values[name]}` : line));
process.stdout.write(filled);
