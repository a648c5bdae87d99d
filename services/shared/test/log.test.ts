import { createJsonLogger, LogFields, REDACTED } from '../src/log';

function capture(service: string) {
  const lines: string[] = [];
  return { lines, logger: createJsonLogger(service, (line) => lines.push(line)) };
}

test('a line is one JSON object: level, time, service, the fields and the message; undefined fields left out; no pid or hostname', () => {
  const { lines, logger } = capture('orders');
  const before = Date.now();
  logger.info('request', { requestId: 'r-1', status: 200, caller: undefined, quote: 'a "b"\n' });
  logger.warn('draining');
  expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
  const [request, draining] = lines.map((line) => JSON.parse(line));
  expect(Object.keys(request).sort()).toEqual(['level', 'msg', 'quote', 'requestId', 'service', 'status', 'time']);
  expect(request).toMatchObject({ level: 'info', service: 'orders', msg: 'request', requestId: 'r-1', status: 200, quote: 'a "b"\n' });
  expect(draining).toEqual({ time: expect.any(String), level: 'warn', service: 'orders', msg: 'draining' });
  expect(request.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(Date.parse(request.time)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  expect(Date.parse(request.time)).toBeLessThanOrEqual(Date.now());
});

test('credentials are censored whichever call site logs them: at the top of the line or one container deep, any header case', () => {
  const { lines, logger } = capture('edge');
  const secret = 'eyJhbGciOiJSUzI1NiJ9.payload.signature';
  logger.error('oops', {
    authorization: `Bearer ${secret}`,
    token: secret,
    accessToken: secret,
    idToken: secret,
    refreshToken: secret,
    cookie: secret,
    'set-cookie': secret,
    secret,
    password: secret,
    requestId: 'r-2',
  });
  // LogFields are flat; a cast (or a future field type) could still nest a header object.
  logger.warn('nested', { headers: { authorization: `Bearer ${secret}`, accept: 'application/json' } } as unknown as LogFields);
  logger.warn('reply', { res: { headers: { 'Set-Cookie': secret, Authorization: secret } } } as unknown as LogFields);
  expect(lines.join('')).not.toContain(secret);
  const [flat, nested, reply] = lines.map((line) => JSON.parse(line));
  expect(flat).toMatchObject({ authorization: REDACTED, token: REDACTED, cookie: REDACTED, 'set-cookie': REDACTED, requestId: 'r-2' });
  expect(nested.headers).toEqual({ authorization: REDACTED, accept: 'application/json' });
  expect(reply.res.headers).toEqual({ 'Set-Cookie': REDACTED, Authorization: REDACTED });
});
