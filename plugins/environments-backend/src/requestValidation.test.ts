/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectRefused"] }] */
import request from 'supertest';
import {
  missingRepositoryPath,
  startRefusalBackend,
} from './__testUtils__/refusalBackend';
import { expectToMatchSpec } from './__testUtils__/expectToMatchSpec';

// Error bodies as a production backend writes them.
const nodeEnv = process.env.NODE_ENV;
let backend: Awaited<ReturnType<typeof startRefusalBackend>>;
let refsBefore: string;
beforeAll(async () => {
  process.env.NODE_ENV = 'production';
  backend = await startRefusalBackend();
  refsBefore = backend.refs();
});
afterAll(() => {
  process.env.NODE_ENV = nodeEnv;
  backend.gitops.remove();
});

const promotionsPath =
  '/api/environments/entities/component/default/catalogue/promotions';
const perf = {
  entityRef: 'component:default/catalogue',
  name: 'perf',
  from: 'staging',
  dryRun: false,
};

/** Expects a 4xx in Backstage's error format with a message matching `message`. */
function expectRefused(res: request.Response, status: number, message: RegExp) {
  expect({ status: res.status, message: res.body.error?.message }).toEqual({
    status,
    message: expect.stringMatching(message),
  });
  expectToMatchSpec(res.body, 'Error');
  expect(JSON.stringify(res.body)).not.toMatch(/"stack"|\/tmp\/|\/work\//);
}

describe('POST /environments', () => {
  const controls = ['a\nb', 'a\rb', 'a\tb', 'a\u0000b', 'a\u001bb', 'a\u0085b'];

  it.each([
    ['namespace', (v: string) => ({ namespace: v })],
    ['host', (v: string) => ({ host: `perf${v}.craftista.local` })],
    [
      'resources.requests.cpu',
      (v: string) => ({ resources: { requests: { cpu: `25${v}0m` } } }),
    ],
    [
      'resources.limits.memory',
      (v: string) => ({ resources: { limits: { memory: `${v}512Mi` } } }),
    ],
    ['name', (v: string) => ({ name: `pe${v}rf` })],
    ['from', (v: string) => ({ from: `stag${v}ing` })],
    ['entityRef', (v: string) => ({ entityRef: `component:default/${v}` })],
  ])(
    'answers 400 naming %s for control characters in it',
    async (field, set) => {
      for (const value of controls) {
        const res = await request(backend.server)
          .post('/api/environments/environments')
          .send({ ...perf, ...set(value) });
        expectRefused(
          res,
          400,
          new RegExp(`^Invalid request: ${field} must be`),
        );
      }
    },
  );

  it.each([
    [{ namespace: 'Craftista' }, 'namespace'],
    [{ namespace: '-perf' }, 'namespace'],
    [{ namespace: 'x'.repeat(64) }, 'namespace'],
    [{ host: 'perf..craftista.local' }, 'host'],
    [{ host: 'perf_1.craftista.local' }, 'host'],
    [{ host: `${'x'.repeat(64)}.local` }, 'host'],
    [{ resources: { requests: { cpu: '1.2.3' } } }, 'resources.requests.cpu'],
    [{ resources: { requests: { cpu: '-1' } } }, 'resources.requests.cpu'],
    [{ resources: { limits: { memory: '512MB' } } }, 'resources.limits.memory'],
    [{ name: 'Perf_1' }, 'name'],
    [{ replicas: 1.5 }, 'replicas'],
    [{ replicas: '3' }, 'replicas'],
  ])('answers 400 for %j', async (change, field) => {
    const res = await request(backend.server)
      .post('/api/environments/environments')
      .send({ ...perf, ...change });
    expectRefused(res, 400, new RegExp(`^Invalid request: ${field} `));
  });

  it('accepts quantities and hosts as Kubernetes writes them', async () => {
    const res = await request(backend.server)
      .post('/api/environments/environments')
      .send({
        ...perf,
        dryRun: true,
        namespace: 'craftista-perf',
        host: 'perf.craftista.local',
        resources: {
          requests: { cpu: '250m', memory: '256Mi' },
          limits: { cpu: '1.5', memory: '1e9' },
        },
      });
    expect(res.status).toBe(200);
  });
});

describe('POST /entities/:kind/:namespace/:name/promotions', () => {
  it.each([
    ['a NUL', 'Ship\u0000it'],
    ['an escape sequence', '\u001b[31mred'],
    ['DEL', 'Ship\u007fit'],
    ['a C1 control', 'Ship\u009bit'],
    ['a right-to-left override', 'Ship \u202eti pihs'],
    ['a line separator', 'Ship\u2028Signed-off-by: x'],
    ['a lone carriage return', 'Ship\rSigned-off-by: x'],
    ['a lone surrogate', 'Ship \ud800 it'],
  ])('answers 400 naming the note for %s in it', async (_, note) => {
    const res = await request(backend.server)
      .post(promotionsPath)
      .send({ from: 'dev', to: 'staging', dryRun: true, note });
    expectRefused(res, 400, /^Invalid promotion: note must /);
  });

  it('accepts a note with tabs, newlines and Windows line ends', async () => {
    const res = await request(backend.server).post(promotionsPath).send({
      from: 'dev',
      to: 'staging',
      dryRun: true,
      note: 'Ship it\r\n\t- search\n\nThanks, 🚀',
    });
    expect(res.status).toBe(200);
  });

  it.each([
    [
      { from: 1, to: 'staging' },
      /^Invalid promotion: from must be a string, not number$/,
    ],
    [{ from: 'dev' }, /^Invalid promotion: to is required$/],
    [{ from: 'dev', to: 'staging', dryRun: 'yes' }, /dryRun must be a boolean/],
    [
      { from: 'dev', to: 'staging', version: { images: [] } },
      /version\.images must be at least 1 items/,
    ],
    [
      {
        from: 'dev',
        to: 'staging',
        version: {
          images: [
            {
              application: 'catalogue',
              container: 'catalogue',
              tag: 'a b',
              digest: null,
            },
          ],
        },
      },
      /version\.images\.0\.tag must be an image tag/,
    ],
    [
      { from: 'dev', to: 'staging', note: 'x'.repeat(2001) },
      /note must be at most 2000 characters/,
    ],
    [
      { from: 'dev', to: 'staging', extra: true },
      /body has unknown field "extra"/,
    ],
    [
      { from: 'dev', to: 'sta\nging' },
      /^Invalid promotion: to must be an environment name/,
    ],
  ])('answers 400 naming the field (case %#)', async (body, message) => {
    const res = await request(backend.server).post(promotionsPath).send(body);
    expectRefused(res, 400, message);
  });

  it('answers 400 for a key that would pollute prototypes', async () => {
    for (const body of [
      '{"__proto__":{"dryRun":true},"from":"dev","to":"staging"}',
      '{"constructor":{"prototype":{"x":1}},"from":"dev","to":"staging"}',
      '{"from":"dev","to":"staging","version":{"__proto__":{"images":[]}}}',
    ]) {
      const res = await request(backend.server)
        .post(promotionsPath)
        .set('Content-Type', 'application/json')
        .send(body);
      expectRefused(res, 400, /has unknown field "(__proto__|constructor)"/);
    }
    expect(({} as any).dryRun).toBeUndefined();
  });

  it('answers 400 for a body that is not JSON, and 413 for one over 100 kB, without echoing it', async () => {
    const post = () => request(backend.server).post(promotionsPath);
    expectRefused(
      await post().set('Content-Type', 'application/json').send('{"from":'),
      400,
      /^Invalid request: body is not valid JSON$/,
    );
    expectRefused(
      await post().set('Content-Type', 'text/plain').send('from=dev'),
      400,
      /^Invalid request: body must be JSON/,
    );
    expectRefused(await post(), 400, /^Invalid request: body must be JSON/);
    expectRefused(
      await post().set('Content-Type', 'application/json').send('"dev"'),
      400,
      /^Invalid promotion: body must be an object, not string$/,
    );
    expectRefused(
      await post().set('Content-Type', 'application/json').send('null'),
      400,
      /^Invalid promotion: body must be an object, not null$/,
    );
    expectRefused(
      await post().send([{ from: 'dev', to: 'staging' }]),
      400,
      /^Invalid promotion: body must be an object, not array$/,
    );
    const huge = await post().send({
      from: 'dev',
      to: 'staging',
      note: 'x'.repeat(200_000),
    });
    expectRefused(huge, 413, /^Invalid request: body is larger than 100kb$/);
    expect(JSON.stringify(huge.body)).not.toContain('xxxx');
    expectRefused(
      await post()
        .set('Content-Type', 'application/json; charset=latin1')
        .send('{}'),
      415,
      /UTF-8/,
    );
  });

  it('answers 400 naming the Idempotency-Key header', async () => {
    for (const key of ['with space', 'x'.repeat(256), 'caf\u00e9']) {
      const res = await request(backend.server)
        .post(promotionsPath)
        .set('Idempotency-Key', key)
        .send({ from: 'dev', to: 'staging' });
      expectRefused(res, 400, /^Invalid request: Idempotency-Key header must /);
    }
  });
});

describe('params and queries', () => {
  it.each([
    [
      '/api/environments/entities/compo%0Anent/default/catalogue',
      /^Invalid entity ref: kind must be a catalog name/,
    ],
    [
      '/api/environments/entities/component/default/%E0%A4%A',
      /^Failed to decode param/,
    ],
    [
      '/api/environments/entities?owner[a]=b',
      /^Invalid query: owner must be a string, not object$/,
    ],
    [
      '/api/environments/entities?owner=a&owner=b',
      /^Invalid query: owner must be a string, not array$/,
    ],
    [
      '/api/environments/entities?limit=1e9',
      /^Invalid query: limit must be at most 100$/,
    ],
    [
      '/api/environments/entities?cursor=a%20b',
      /^Invalid query: cursor must be printable ASCII/,
    ],
    [
      '/api/environments/entities?page=2',
      /^Invalid query: query has unknown field "page"$/,
    ],
    [
      `${promotionsPath}?environment=%00`,
      /^Invalid query: environment must be an environment name/,
    ],
    [
      '/api/environments/promotions/not-a-uuid',
      /^Invalid promotion id: id must be a UUID$/,
    ],
  ])('GET %s answers 400 naming the field', async (path, message) => {
    expectRefused(await request(backend.server).get(path), 400, message);
  });
});

describe('error bodies', () => {
  it('carry no stack and no path of the backend’s machine', async () => {
    const res = await request(backend.server)
      .post('/api/environments/environments')
      .send({ ...perf, entityRef: 'component:default/lost' });
    expectRefused(res, 400, /could not be read: git clone failed: .*'<path>'/);
    expect(res.body.error.message).not.toContain(missingRepositoryPath);
    expect(Object.keys(res.body.error).sort()).toEqual(['message', 'name']);
  });
});

describe('openapi.yaml', () => {
  it('accepts and refuses the bodies the routes accept and refuse', () => {
    const note = 'Ship it\r\n\t- search\n\nThanks, 🚀';
    expectToMatchSpec({ from: 'dev', to: 'staging', note }, 'PromotionRequest');
    expectToMatchSpec(
      {
        ...perf,
        namespace: 'craftista-perf',
        host: '*.perf.craftista.local',
        resources: { requests: { cpu: '250m' }, limits: { memory: '1e9' } },
      },
      'NewEnvironmentRequest',
    );
    for (const body of [
      { from: 'dev', to: 'staging', note: 'a\u0000b' },
      { from: 'dev', to: 'staging', note: 'a\rb' },
      { from: 'dev', to: 'staging', note: 'a\u202eb' },
      { from: 'dev', to: 'sta\nging' },
    ]) {
      expect(() => expectToMatchSpec(body, 'PromotionRequest')).toThrow();
    }
    for (const change of [
      { namespace: 'a\nb' },
      { host: 'perf..local' },
      { host: 'perf.local\n' },
      { resources: { requests: { cpu: '1.2.3' } } },
      { resources: { limits: { memory: '-1' } } },
      { name: 'Perf' },
    ]) {
      expect(() =>
        expectToMatchSpec({ ...perf, ...change }, 'NewEnvironmentRequest'),
      ).toThrow();
    }
  });
});

// Last: nothing the requests above sent reached Git.
describe('the GitOps repository', () => {
  it('has the same refs, at the same commits, and the same HEAD', () => {
    expect(backend.refs()).toBe(refsBefore);
  });
});
