import { encodeGeohash, geohashCell } from './geohash';
import { cellDistanceKm, distanceKm, geohashWithNeighbours } from './geohash-cells';
import { decodeGeohashBounds as geohashBounds, geohashCenter } from './point-in-area';

describe('geohash cells', () => {
  const lisbon = { lat: 38.7223, lon: -9.1393 };

  it('decodes a cell to the box that holds the point it was encoded from', () => {
    const cell = encodeGeohash(lisbon, 6);
    const box = geohashBounds(cell);
    expect(lisbon.lat).toBeGreaterThanOrEqual(box.minLat);
    expect(lisbon.lat).toBeLessThan(box.maxLat);
    expect(lisbon.lon).toBeGreaterThanOrEqual(box.minLon);
    expect(lisbon.lon).toBeLessThan(box.maxLon);
    expect(encodeGeohash(geohashCenter(cell), 6)).toBe(cell);
  });

  it('lists a cell with its eight neighbours, all of the same size and all touching it', () => {
    const cell = encodeGeohash(lisbon, 5);
    const cells = geohashWithNeighbours(cell);
    expect(cells).toHaveLength(9);
    expect(cells).toContain(cell);
    for (const other of cells) {
      expect(other).toHaveLength(5);
      expect(cellDistanceKm(cell, other)).toBeLessThan(7);
    }
  });

  it('measures Lisbon to Porto as about 274 km', () => {
    expect(distanceKm(lisbon, { lat: 41.1579, lon: -8.6291 })).toBeCloseTo(274, -1);
  });

  it('refuses text that is not a geohash', () => {
    expect(() => geohashBounds('abc')).toThrow(/not a geohash/);
  });
});

describe('geohashCell', () => {
  const rule = { field: 'location.cell', minLength: 5, maxLength: 7 };

  it('accepts a cell of the allowed size, lowercased and trimmed', () => {
    expect(geohashCell(' EYCS0P ', rule)).toBe('eycs0p');
  });

  it.each([['eyc'], ['eycs0p12'], ['eycs0a'], ['not a cell'], ['eycs\u00000'], ['']])('refuses %j with a code and the field', (text) => {
    expect(() => geohashCell(text, rule)).toThrow(expect.objectContaining({ code: 'INVALID_LOCATION', field: 'location.cell' }));
  });
});
