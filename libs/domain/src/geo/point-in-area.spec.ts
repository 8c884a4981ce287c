import { encodeGeohash } from './geohash';
import type { GeoPolygon } from './geo-polygon';
import { decodeGeohashBounds, geohashCenter, isCellInPolygon, isPointInPolygon } from './point-in-area';

const square = (minLon: number, minLat: number, maxLon: number, maxLat: number) =>
  [
    [minLon, minLat],
    [maxLon, minLat],
    [maxLon, maxLat],
    [minLon, maxLat],
    [minLon, minLat],
  ] as [number, number][];

// Lisbon's Arroios, with a hole around one block.
const arroios: GeoPolygon = { type: 'Polygon', coordinates: [square(-9.15, 38.72, -9.12, 38.74), square(-9.135, 38.728, -9.132, 38.731)] };

describe('point in area', () => {
  it('decodes a cell to the bounds that encode back to it', () => {
    const cell = encodeGeohash({ lat: 38.7305, lon: -9.1405 }, 6);
    const bounds = decodeGeohashBounds(cell);
    expect(bounds.minLat).toBeLessThanOrEqual(38.7305);
    expect(bounds.maxLat).toBeGreaterThan(38.7305);
    expect(encodeGeohash(geohashCenter(cell), 6)).toBe(cell);
  });

  it('finds points inside the outline, but not in a hole or outside', () => {
    expect(isPointInPolygon({ lat: 38.725, lon: -9.145 }, arroios)).toBe(true);
    expect(isPointInPolygon({ lat: 38.7295, lon: -9.1335 }, arroios)).toBe(false);
    expect(isPointInPolygon({ lat: 38.76, lon: -9.145 }, arroios)).toBe(false);
  });

  it('places a member by the centre of their coarse cell', () => {
    expect(isCellInPolygon(encodeGeohash({ lat: 38.725, lon: -9.145 }, 6), arroios)).toBe(true);
    expect(isCellInPolygon(encodeGeohash({ lat: 40.4, lon: -3.7 }, 6), arroios)).toBe(false);
  });

  it('refuses text that is not a geohash', () => {
    expect(() => decodeGeohashBounds('abc')).toThrow(/not in its alphabet/);
  });
});
