import { OciRegistry } from '../../scripts/mirror/oci-registry';

test("the registry's credentials never go to another host an upload Location names", async () => {
  const sent: { url: string; authorization?: string }[] = [];
  const answers: Record<string, Response> = {
    HEAD: new Response(null, { status: 404 }),
    POST: new Response(null, { status: 202, headers: { location: 'https://uploads.example.com/session/1' } }),
    PUT: new Response(null, { status: 201 }),
  };
  const registry = new OciRegistry(
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    (url, init) => {
      sent.push({ url, authorization: (init?.headers as Record<string, string>).authorization });
      return Promise.resolve(answers[init!.method!]);
    },
    'QVdTOnNlY3JldA==',
  );
  await registry.pushBlob('platform-charts/x', 'application/octet-stream', Buffer.from('chart'));
  expect(sent.map((request) => [new URL(request.url).host, request.authorization])).toEqual([
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'Basic QVdTOnNlY3JldA=='],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'Basic QVdTOnNlY3JldA=='],
    ['uploads.example.com', undefined],
  ]);
  expect(new URL(sent[2].url).searchParams.get('digest')).toMatch(/^sha256:[0-9a-f]{64}$/);
});
