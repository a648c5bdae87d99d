import { createJsonLogger } from '../src/log';

test('a line is one JSON object: time, level, service and message first, then the fields; undefined fields left out', () => {
  const lines: string[] = [];
  const logger = createJsonLogger('orders', (line) => lines.push(line));
  const before = Date.now();
  logger.info('request', { requestId: 'r-1', status: 200, caller: undefined, quote: 'a "b"\n' });
  logger.warn('draining');
  expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
  const [request, draining] = lines.map((line) => JSON.parse(line));
  expect(Object.keys(request)).toEqual(['time', 'level', 'service', 'msg', 'requestId', 'status', 'quote']);
  expect(request).toMatchObject({ level: 'info', service: 'orders', msg: 'request', requestId: 'r-1', status: 200, quote: 'a "b"\n' });
  expect(draining).toEqual({ time: expect.any(String), level: 'warn', service: 'orders', msg: 'draining' });
  expect(request.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(Date.parse(request.time)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  expect(Date.parse(request.time)).toBeLessThanOrEqual(Date.now());
});
