/**
 * A CAP 1.2 alert document (OASIS Common Alerting Protocol, urn:oasis:names:tc:emergency:cap:1.2) for an incident,
 * for agencies and alerting gateways. Pure: everything it says comes in as arguments.
 */
export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

export type CapMsgType = 'Alert' | 'Update' | 'Cancel';
export type CapSeverity = 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown';

const CATEGORY_BY_INCIDENT: Record<string, string> = {
  flood: 'Met',
  heatwave: 'Met',
  'cold-snap': 'Met',
  storm: 'Met',
  fire: 'Fire',
  earthquake: 'Geo',
  outage: 'Infra',
  epidemic: 'Health',
  other: 'Other',
};

const SEVERITY_BY_INCIDENT: Record<string, CapSeverity> = {
  flood: 'Extreme',
  fire: 'Extreme',
  earthquake: 'Extreme',
  storm: 'Severe',
  heatwave: 'Severe',
  'cold-snap': 'Severe',
  epidemic: 'Severe',
  outage: 'Moderate',
  other: 'Moderate',
};

export function severityOfIncident(type: string): CapSeverity {
  return SEVERITY_BY_INCIDENT[type] ?? 'Unknown';
}

export interface CapAlertInput {
  readonly identifier: string;
  /** Who sends it, e.g. `notifications@<host>`: CAP wants no spaces, commas or "<", "&". */
  readonly sender: string;
  readonly sent: Date;
  readonly msgType: CapMsgType;
  /** For Update/Cancel: the earlier alert, `sender,identifier,sent`. */
  readonly references: string | null;
  readonly incident: {
    readonly id: string;
    readonly name: string;
    readonly type: string;
    /** GeoJSON rings of [longitude, latitude]; the first is the outline. */
    readonly outline: readonly (readonly [number, number])[];
    readonly language: string;
  };
  readonly instruction: string;
  /** Where people read more, an absolute URL. */
  readonly web: string | null;
  readonly expires: Date | null;
}

/**
 * Characters XML 1.0 does not allow at all (C0 controls but tab and line breaks, lone surrogates, U+FFFE/U+FFFF),
 * and the C1 controls it discourages. Text reaches the alert from events, including ones stored before input was
 * checked, so they are dropped here: one of them would make the whole public alert malformed.
 */
const NOT_XML_TEXT = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text as XML element content: markup characters escaped, characters XML cannot carry dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML_TEXT, '')
    .replace(/[<>&'"]/g, (character) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[character]!);
}

/** CAP dates are `YYYY-MM-DDThh:mm:ss±hh:mm` (no fractions, no "Z"). */
export function capDateTime(at: Date): string {
  return `${at.toISOString().slice(0, 19)}+00:00`;
}

/** CAP polygons are "lat,lon" pairs separated by spaces, the first repeated at the end. */
export function capPolygon(outline: readonly (readonly [number, number])[]): string {
  return outline.map(([lon, lat]) => `${Number(lat.toFixed(6))},${Number(lon.toFixed(6))}`).join(' ');
}

export function buildCapAlert(input: CapAlertInput): string {
  const { incident } = input;
  const element = (name: string, value: string | null, indent: string) => (value === null ? '' : `${indent}<${name}>${escapeXml(value)}</${name}>\n`);
  const severity = input.msgType === 'Cancel' ? 'Minor' : severityOfIncident(incident.type);
  const urgency = input.msgType === 'Cancel' ? 'Past' : 'Immediate';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<alert xmlns="${CAP_NAMESPACE}">\n` +
    element('identifier', input.identifier, '  ') +
    element('sender', input.sender, '  ') +
    element('sent', capDateTime(input.sent), '  ') +
    element('status', 'Actual', '  ') +
    element('msgType', input.msgType, '  ') +
    element('scope', 'Public', '  ') +
    element('references', input.references, '  ') +
    element('incidents', incident.id, '  ') +
    `  <info>\n` +
    element('language', incident.language, '    ') +
    element('category', CATEGORY_BY_INCIDENT[incident.type] ?? 'Other', '    ') +
    element('event', incident.type, '    ') +
    element('responseType', input.msgType === 'Cancel' ? 'AllClear' : 'Monitor', '    ') +
    element('urgency', urgency, '    ') +
    element('severity', severity, '    ') +
    element('certainty', 'Observed', '    ') +
    element('expires', input.expires ? capDateTime(input.expires) : null, '    ') +
    element('senderName', 'Mutuo mutual aid', '    ') +
    element('headline', incident.name, '    ') +
    element('instruction', input.instruction, '    ') +
    element('web', input.web, '    ') +
    `    <area>\n` +
    element('areaDesc', incident.name, '      ') +
    element('polygon', capPolygon(incident.outline), '      ') +
    `    </area>\n` +
    `  </info>\n` +
    `</alert>\n`
  );
}
