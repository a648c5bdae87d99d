import { BrokenCircuitError, TaskCancelledError } from 'cockatiel';
import { errors } from 'undici';
import { isPeerFailure, peerResiliencePolicies, PeerUnavailableError } from '../src/peer/peer-resilience';

const options = { attemptTimeoutMs: 1000, retries: 2, breakAfter: 3, halfOpenAfterMs: 60_000 };
const systemError = (code: string) => Object.assign(new Error(code), { code, syscall: 'connect' });

test('failures of the peer or the path to it count: 5xx, timeouts, refused, reset and untrusted connections', () => {
  for (const err of [
    new PeerUnavailableError(503),
    new TaskCancelledError(),
    systemError('ECONNREFUSED'),
    systemError('ECONNRESET'),
    new errors.SocketError('other side closed'),
    new errors.ConnectTimeoutError(),
    new errors.HeadersTimeoutError(),
    Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }),
  ]) {
    expect([err.message, isPeerFailure(err)]).toEqual([err.message, true]);
  }
});

test('a request our side refused or cancelled, a bug of ours, and an open circuit do not count', () => {
  for (const err of [
    new errors.InvalidArgumentError('invalid request path'),
    new errors.RequestContentLengthMismatchError(),
    new errors.RequestAbortedError(),
    new TypeError('x is undefined'),
    new BrokenCircuitError(),
  ]) {
    expect([err.message, isPeerFailure(err)]).toEqual([err.message, false]);
  }
});

test('requests refused for their own sake never open the circuit nor are retried; peer failures open it', async () => {
  const { retried } = peerResiliencePolicies(options);
  let attempts = 0;
  const refused = () =>
    retried.execute(() => {
      attempts++;
      throw new errors.InvalidArgumentError('invalid request path');
    });
  for (let i = 0; i < 10; i++) await expect(refused()).rejects.toBeInstanceOf(errors.InvalidArgumentError);
  expect(attempts).toBe(10);
  await expect(retried.execute(() => 'served')).resolves.toBe('served');

  attempts = 0;
  await expect(
    retried.execute(() => {
      attempts++;
      throw new PeerUnavailableError(503);
    }),
  ).rejects.toBeInstanceOf(PeerUnavailableError);
  expect(attempts).toBe(3);
  await expect(retried.execute(() => 'served')).rejects.toBeInstanceOf(BrokenCircuitError);
});
