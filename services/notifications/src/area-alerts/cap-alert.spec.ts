import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { buildCapAlert, type CapAlertInput } from '../domain/cap-alert';

const xsd = readFileSync(join(__dirname, 'CAP-v1.2.xsd'), 'utf8');
const validate = (xml: string) => validateXML({ xml: { fileName: 'alert.xml', contents: xml }, schema: { fileName: 'CAP-v1.2.xsd', contents: xsd } });

const alert: CapAlertInput = {
  identifier: 'mutuo-7d0c9a55-8f5e-4c1e-9a43-2f1b7a0d9e11',
  sender: 'notifications@mutuo.example.org',
  sent: new Date('2026-11-26T03:12:45.123Z'),
  msgType: 'Alert',
  references: null,
  incident: {
    id: '7d0c9a55-8f5e-4c1e-9a43-2f1b7a0d9e11',
    name: 'Flood on Rua Alegre & Largo <Norte>',
    type: 'flood',
    outline: [
      [-9.15, 38.72],
      [-9.12, 38.72],
      [-9.12, 38.74],
      [-9.15, 38.74],
      [-9.15, 38.72],
    ],
    language: 'pt',
  },
  instruction: 'Follow the instructions of civil protection.',
  web: 'https://mutuo.example.org/public/cap/7d0c9a55-8f5e-4c1e-9a43-2f1b7a0d9e11.xml',
  expires: null,
};

describe('CAP 1.2 alert', () => {
  it('validates against the CAP 1.2 schema, with the area as lat,lon pairs', async () => {
    const xml = buildCapAlert(alert);
    const result = await validate(xml);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(xml).toContain('<polygon>38.72,-9.15 38.72,-9.12 38.74,-9.12 38.74,-9.15 38.72,-9.15</polygon>');
    expect(xml).toContain('<sent>2026-11-26T03:12:45+00:00</sent>');
    expect(xml).toContain('Flood on Rua Alegre &amp; Largo &lt;Norte&gt;');
  });

  it('validates a cancellation that references the alert', async () => {
    const result = await validate(
      buildCapAlert({ ...alert, msgType: 'Cancel', references: 'notifications@mutuo.example.org,mutuo-1,2026-11-26T03:12:45+00:00' }),
    );
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('stays well-formed and valid whatever the incident name holds: markup escaped, characters XML forbids dropped', async () => {
    const name = `<b>&"'\u0000\u0008]]>\uD800\uFFFF\u0085 Cheias`;
    const xml = buildCapAlert({ ...alert, incident: { ...alert.incident, name } });
    const result = await validate(xml);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(xml).toContain('<headline>&lt;b&gt;&amp;&quot;&apos;]]&gt; Cheias</headline>');
    expect(xml).toContain('<areaDesc>&lt;b&gt;&amp;&quot;&apos;]]&gt; Cheias</areaDesc>');
    expect(xml).not.toMatch(/[\u0000-\u0008\uD800\uFFFF\u0085]/);
  });

  it('is a real check: a document breaking the schema is refused', async () => {
    const result = await validate(buildCapAlert(alert).replace('<status>Actual</status>', '<status>Real</status>'));
    expect(result.valid).toBe(false);
    expect(result.errors[0]?.message).toMatch(/status/);
  });
});
