import { DomainRuleViolation } from '../decider';

/** A GeoJSON Polygon (RFC 7946 §3.1.6): the first ring is the outline, any further rings are holes. */
export interface GeoPolygon {
  readonly type: 'Polygon';
  /** Rings of [longitude, latitude] positions, each closed (last position equals the first). */
  readonly coordinates: readonly (readonly (readonly [number, number])[])[];
}

export const POLYGON_LIMITS = { maxRings: 20, maxPositionsPerRing: 2_000, maxPositions: 10_000 } as const;

/** Rings whose area is below this (in square degrees, about 1 m² at the equator) are lines or points, not areas. */
const MIN_RING_AREA = 1e-10;

/**
 * Checks a service area given by a client and returns it as a GeoPolygon. Every refusal names the
 * offending part (`serviceArea.coordinates.0.3` is the fourth position of the outline). Self-intersection
 * is not checked: a pod's area is drawn by people, and a figure-eight still says where the pod works.
 */
export function parseGeoPolygon(value: unknown, field: string): GeoPolygon {
  const fail = (message: string, at: string = field): never => {
    throw new DomainRuleViolation('INVALID_SERVICE_AREA', message, at);
  };
  if (typeof value !== 'object' || value === null) return fail('Give the service area as a GeoJSON Polygon');
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon') return fail('The service area must be a GeoJSON object of type "Polygon"', `${field}.type`);
  if (!Array.isArray(coordinates) || coordinates.length === 0) {
    return fail('A polygon has at least one ring of positions', `${field}.coordinates`);
  }
  if (coordinates.length > POLYGON_LIMITS.maxRings) {
    return fail(`A polygon has at most ${POLYGON_LIMITS.maxRings} rings`, `${field}.coordinates`);
  }
  let total = 0;
  const rings = coordinates.map((ring: unknown, ringIndex) => {
    const at = `${field}.coordinates.${ringIndex}`;
    if (!Array.isArray(ring) || ring.length < 4) {
      return fail('Each ring has at least 4 positions, the last repeating the first', at);
    }
    if (ring.length > POLYGON_LIMITS.maxPositionsPerRing) {
      return fail(`A ring has at most ${POLYGON_LIMITS.maxPositionsPerRing} positions`, at);
    }
    total += ring.length;
    if (total > POLYGON_LIMITS.maxPositions) {
      return fail(`A polygon has at most ${POLYGON_LIMITS.maxPositions} positions in all`, `${field}.coordinates`);
    }
    const positions = ring.map((position: unknown, index) => parsePosition(position, `${at}.${index}`, fail));
    const first = positions[0]!;
    const last = positions[positions.length - 1]!;
    if (first[0] !== last[0] || first[1] !== last[1]) {
      return fail('The ring does not close: its last position must equal its first', at);
    }
    const distinct = new Set(positions.slice(0, -1).map(([lon, lat]) => `${lon},${lat}`));
    if (distinct.size < 3 || Math.abs(ringArea(positions)) < MIN_RING_AREA) {
      return fail('The ring encloses no area: give at least three positions that are not on one line', at);
    }
    return positions;
  });
  return { type: 'Polygon', coordinates: rings };
}

function parsePosition(position: unknown, at: string, fail: (message: string, at: string) => never): [number, number] {
  if (!Array.isArray(position) || position.length !== 2) return fail('A position is [longitude, latitude]', at);
  const [lon, lat] = position as unknown[];
  if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180) {
    return fail('Longitude must be a number from -180 to 180', at);
  }
  if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90) {
    return fail('Latitude must be a number from -90 to 90', at);
  }
  return [lon, lat];
}

/** Shoelace formula on the raw degrees: only its size matters here (zero means degenerate). */
function ringArea(positions: readonly (readonly [number, number])[]): number {
  let twice = 0;
  for (let index = 0; index < positions.length - 1; index++) {
    const [x1, y1] = positions[index]!;
    const [x2, y2] = positions[index + 1]!;
    twice += x1 * y2 - x2 * y1;
  }
  return twice / 2;
}
