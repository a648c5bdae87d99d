import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, Server, TLSSocket } from 'node:tls';
import { guardServerConnections, verifyPeerChain } from '../src/mtls/live-trust';
import { parseCertificates, ReloadingTlsMaterial, TlsMaterial } from '../src/mtls/tls-material';
import { capturingLogger, loggedLine } from './support/test-logger';
import { createTestCa, TestCa, workloadId, writeTlsFiles } from './support/test-pki';

const HOUR = 3_600_000;
const ID = workloadId('shop', 'orders');

let root: TestCa;
let rootCert: X509Certificate;
let otherCert: X509Certificate;

/** The verdict for `chain` against a bundle made of `bundle` PEMs, as it is read from `ca.crt`. */
function verify(chain: readonly X509Certificate[], bundle: readonly string[], at = Date.now()) {
  return verifyPeerChain(chain, parseCertificates(bundle.join('\n')), at);
}

async function issuedChain(ca: TestCa, notAfter?: Date): Promise<X509Certificate[]> {
  return parseCertificates((await ca.issue(ID, { notAfter })).cert);
}

beforeAll(async () => {
  root = await createTestCa('platform CA');
  rootCert = new X509Certificate(root.pem);
  otherCert = new X509Certificate((await createTestCa('other CA')).pem);
});

describe('verifyPeerChain', () => {
  test('a leaf of a CA in the bundle is trusted until the first certificate of its path expires', async () => {
    const [leaf] = await issuedChain(root, new Date(Date.now() + HOUR));
    expect(verify([leaf], [otherCert.toString(), root.pem])).toEqual({ trusted: true, validUntil: Date.parse(leaf.validTo) });
  });

  test('a bundle without the issuing CA refuses the chain, even with that CA appended as Node appends it', async () => {
    const [leaf] = await issuedChain(root);
    expect(verify([leaf, rootCert], [otherCert.toString()])).toEqual({
      trusted: false,
      reason: 'peer chain does not lead to a CA of the trust bundle',
    });
  });

  test('a CA of the same name with another key does not verify the chain', async () => {
    const [leaf] = await issuedChain(root);
    const impostor = await createTestCa('platform CA');
    expect(verify([leaf], [impostor.pem])).toMatchObject({ trusted: false });
  });

  test('a leaf outside its validity window is refused', async () => {
    const [leaf] = await issuedChain(root, new Date(Date.now() + HOUR));
    const reason = 'peer certificate outside its validity window';
    expect(verify([leaf], [root.pem], Date.parse(leaf.validTo) + 1000)).toEqual({ trusted: false, reason });
    expect(verify([leaf], [root.pem], Date.parse(leaf.validFrom) - 1000)).toEqual({ trusted: false, reason });
  });

  test('an expired CA in the bundle refuses the chain, and bounds how long it is trusted', async () => {
    const shortCa = await createTestCa('short-lived CA', { notAfter: new Date(Date.now() + HOUR) });
    const [leaf] = await issuedChain(shortCa);
    const caExpiry = Date.parse(new X509Certificate(shortCa.pem).validTo);
    expect(verify([leaf], [shortCa.pem])).toEqual({ trusted: true, validUntil: caExpiry });
    expect(verify([leaf], [shortCa.pem], caExpiry + 1000)).toEqual({
      trusted: false,
      reason: 'the issuing CA in the trust bundle is outside its validity window',
    });
  });

  describe('through an intermediate', () => {
    let intermediate: TestCa;
    let chain: X509Certificate[];

    beforeAll(async () => {
      intermediate = await root.issueCa('platform intermediate', { notAfter: new Date(Date.now() + HOUR) });
      chain = await issuedChain(intermediate);
    });

    test("the peer's intermediate leads to the root in the bundle; its expiry bounds the trust", () => {
      const intermediateExpiry = Date.parse(chain[1].validTo);
      expect(verify(chain, [root.pem])).toEqual({ trusted: true, validUntil: intermediateExpiry });
      expect(verify(chain, [root.pem], intermediateExpiry + 1000)).toEqual({
        trusted: false,
        reason: 'an issuing CA of the peer certificate is outside its validity window',
      });
    });

    test('without the intermediate the leaf does not verify, unless the bundle holds it beside its root', () => {
      expect(verify(chain.slice(0, 1), [root.pem])).toMatchObject({ trusted: false });
      expect(verify(chain.slice(0, 1), [root.pem, intermediate.pem])).toMatchObject({ trusted: true });
    });

    test('a bundle holding an expired intermediate beside its renewal (same name and key): the valid one is chosen', async () => {
      const expired = await intermediate.renewedPem!({ notAfter: new Date(Date.now() - 1000) });
      expect(verify(chain.slice(0, 1), [expired, intermediate.pem, root.pem])).toMatchObject({ trusted: true });
    });

    test('a bundle behind a byte-order mark is read, as OpenSSL reads it', () => {
      expect(verify(chain, [`\uFEFF${root.pem}`])).toMatchObject({ trusted: true });
    });

    // What the handshake decides, the re-check decides: Node asks OpenSSL for no partial chains, so a path must end at
    // a self-signed certificate of the bundle, and a bundle is read as OpenSSL reads PEM.
    test.each<[string, () => string]>([
      ['the intermediate alone', () => intermediate.pem],
      ['the intermediate glued to the root without a line break', () => `${intermediate.pem}${root.pem}`],
    ])('a bundle of %s: refused by the handshake and by the re-check alike', async (_case, bundle) => {
      const server = createServer({
        ...(await root.issue(ID)),
        ca: bundle(),
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.3',
      });
      const handshakeErrors: string[] = [];
      server.on('tlsClientError', (err: NodeJS.ErrnoException) => handshakeErrors.push(err.code ?? err.message));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const client = await intermediate.issue(ID);
      await new Promise<void>((resolve) => {
        const socket = connect({
          host: '127.0.0.1',
          port: (server.address() as { port: number }).port,
          ...client,
          ca: root.pem,
          checkServerIdentity: () => undefined,
        });
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
      });
      await new Promise((resolve) => server.close(resolve));
      expect(handshakeErrors).not.toEqual([]);
      expect(verify(parseCertificates(client.cert), [bundle()])).toMatchObject({ trusted: false });
    });

    test('an intermediate of another root does not verify', async () => {
      const strangerChain = await issuedChain(await (await createTestCa('other root')).issueCa('platform intermediate'));
      expect(verify(strangerChain, [root.pem])).toMatchObject({ trusted: false });
    });
  });

  test('no certificate is no trust', () => {
    expect(verify([], [root.pem])).toEqual({ trusted: false, reason: 'no peer certificate' });
  });
});

describe('guardServerConnections', () => {
  let dir: string;
  let server: Server;
  let material: ReloadingTlsMaterial;
  let client: TlsMaterial;
  const logger = capturingLogger('guarded');
  const sockets: TLSSocket[] = [];

  function openConnection(session?: Buffer): Promise<{ socket: TLSSocket; closed: Promise<void>; session: Promise<Buffer> }> {
    return new Promise((resolve, reject) => {
      const socket = connect({
        host: '127.0.0.1',
        port: (server.address() as { port: number }).port,
        ...client,
        session,
        checkServerIdentity: () => undefined,
      });
      sockets.push(socket);
      const closed = new Promise<void>((done) => socket.once('close', () => done()));
      const issuedSession = new Promise<Buffer>((done) => socket.once('session', done));
      socket.once('secureConnect', () => resolve({ socket, closed, session: issuedSession }));
      socket.once('error', reject);
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'live-trust-'));
    material = new ReloadingTlsMaterial(writeTlsFiles(dir, await root.issue(workloadId('shop', 'inventory'))), 20, logger);
    client = await (await root.issueCa('platform intermediate')).issue(ID);
    server = createServer({ ...material.current, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' }, (socket) =>
      socket.resume(),
    );
    guardServerConnections(server, material, { logger, maxConnectionAgeMs: 300 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => server.close(resolve));
    material.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a trusted connection is closed at its maximum age', async () => {
    const started = Date.now();
    const { closed } = await openConnection();
    await closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(logger.lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({
        level: 'info',
        msg: 'tls connection closed',
        reason: 'maximum connection age reached',
        peer: ID,
      }),
    );
  });

  test('a resumed session is admitted though Node gives it without the intermediate that issued it', async () => {
    const first = await openConnection();
    const { socket, closed } = await openConnection(await first.session);
    expect(socket.isSessionReused()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(socket.destroyed).toBe(false);
    await closed;
  });
});

describe('ReloadingTlsMaterial refuses what a rotation read half-way through looks like, and keeps the current material', () => {
  let dir: string;
  let material: ReloadingTlsMaterial;
  let logger: ReturnType<typeof capturingLogger>;
  let files: { certFile: string; keyFile: string; caFile: string };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tls-material-'));
    files = writeTlsFiles(dir, await root.issue(ID));
    logger = capturingLogger('orders');
    material = new ReloadingTlsMaterial(files, 20, logger);
  });
  afterEach(() => {
    material.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Waits until the material logs its verdict on the changed files; returns the reason it gave, if it refused. */
  async function verdict(): Promise<string | undefined> {
    return (await loggedLine(logger, (line) => /tls material (not )?reloaded/.test(String(line.msg)))).reason as string | undefined;
  }

  test.each<[string, () => void, string]>([
    [
      'a key of another algorithm than the certificate (OpenSSL files it in another slot, so its own check passes)',
      () =>
        writeFileSync(
          files.keyFile,
          generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
        ),
      "the private key is not the certificate's",
    ],
    ['a CA file without a certificate', () => writeFileSync(files.caFile, ''), 'the CA file holds no certificate'],
  ])('%s', async (_case, change, reason) => {
    const before = material.current;
    change();
    expect(await verdict()).toBe(reason);
    expect(material.current).toBe(before);
  });
});
