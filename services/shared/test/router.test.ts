import { HttpError } from '../src/http/http-error';
import { Router } from '../src/http/router';

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
  expect(router.match('GET', '/orders/a%20b?x=1')).toEqual({ route: { method: 'GET', path: '/orders/{orderId}' }, params: { orderId: 'a b' } });
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
