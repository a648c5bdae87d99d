import { HttpError } from '../src/http/http-error';
import { expandPath, Router } from '../src/http/router';

const router = new Router([
  { method: 'GET', path: '/orders/{orderId}' },
  { method: 'DELETE', path: '/orders/{orderId}' },
  { method: 'POST', path: '/orders' },
]);

const failure = (method: string, url: string) => {
  try {
    router.match(method, url);
  } catch (err) {
    return err as HttpError;
  }
  throw new Error('expected no match');
};

test('path parameters are decoded and the query string ignored', () => {
  expect(router.match('GET', '/orders/a%2Db?x=1')).toEqual({
    route: { method: 'GET', path: '/orders/{orderId}' },
    params: { orderId: 'a-b' },
  });
});

test('a path parameter that is not an identifier once decoded is 400, so no proxy forwards what the service refuses', () => {
  for (const id of ['a%20b', 'a%2Fb', '%2E%2E', 'x'.repeat(65), '%C3%A9']) {
    expect(failure('GET', `/orders/${id}`)).toMatchObject({
      status: 400,
      message: 'path parameter orderId must be 1-64 letters, digits, - or _',
    });
  }
});

test('the canonical path is the template filled with the parameters, without the query', () => {
  const { route, params } = router.match('GET', '/orders/a%2Db?x=1');
  expect(expandPath(route.path, params)).toBe('/orders/a-b');
});

test('no template fits: 404; a template fits but not the method: 405 listing the allowed ones', () => {
  expect(failure('GET', '/orders/a/b').status).toBe(404);
  expect(failure('GET', '/orders/').status).toBe(404);
  expect(failure('GET', 'http://host/orders').status).toBe(404);
  expect(failure('PUT', '/orders/a')).toMatchObject({ status: 405, headers: { allow: 'GET, DELETE' } });
});

test('broken percent-encoding is 400', () => {
  expect(failure('GET', '/orders/%E0%A4%A').status).toBe(400);
});

test('a parameter named like an Object.prototype member is a plain key, never the params object prototype', () => {
  const { params } = new Router([{ method: 'GET', path: '/x/{__proto__}' }]).match('GET', '/x/abc');
  expect(Object.getPrototypeOf(params)).not.toBe('abc');
  expect(Object.getOwnPropertyDescriptor(params, '__proto__')?.value).toBe('abc');
});
