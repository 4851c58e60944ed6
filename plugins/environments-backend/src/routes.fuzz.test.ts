import http from 'node:http';
import os from 'node:os';
import request from 'supertest';
import { FuzzRequest, RequestFuzzer } from './__testUtils__/fuzzRequests';
import { startRefusalBackend } from './__testUtils__/refusalBackend';
import {
  expectToMatchSpec,
  specOperations,
} from './__testUtils__/expectToMatchSpec';

const SEED = 0x5eed14;
// 560 per operation; FUZZ_REQUESTS sends another number.
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5040);
const CONCURRENCY = 6;
const TIMEOUT_MS = 10_000;

/** How the routes refuse a value: the part, then the field and what it must be. */
const NAMES_A_FIELD =
  /^(Invalid [a-zA-Z -]+: (\S+|Idempotency-Key header) (must|is|has) |Failed to decode param )/;

type Outcome = {
  fuzz: FuzzRequest;
  status?: number;
  body?: any;
  text?: string;
  /** A timeout, or an error of the HTTP client. */
  failure?: string;
};

// One connection per worker, kept open: the requests cost the routes, not TCP handshakes.
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

async function send(
  server: Parameters<typeof request>[0],
  fuzz: FuzzRequest,
): Promise<Outcome> {
  let test = request(server)[fuzz.method](fuzz.path).agent(agent);
  for (const [name, value] of Object.entries(fuzz.headers)) {
    test = test.set(name, value);
  }
  if (fuzz.body) {
    test = test.send(
      'json' in fuzz.body
        ? (JSON.stringify(fuzz.body.json) as any)
        : fuzz.body.raw,
    );
  }
  try {
    const res = await test
      .timeout({ response: TIMEOUT_MS, deadline: TIMEOUT_MS })
      .ok(() => true);
    return { fuzz, status: res.status, body: res.body, text: res.text };
  } catch (error) {
    return {
      fuzz,
      failure: (error as { timeout?: number }).timeout
        ? 'timeout'
        : `client: ${(error as Error).message}`,
    };
  }
}

/** Sends the requests, `CONCURRENCY` at a time, in order. */
async function sendAll(
  server: Parameters<typeof request>[0],
  requests: FuzzRequest[],
): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      outcomes[index] = await send(server, requests[index]);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}

function histogram(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values.sort()) {
    counts[value] = (counts[value] ?? 0) + 1;
  }
  return counts;
}

describe('every route, with malformed requests', () => {
  let backend: Awaited<ReturnType<typeof startRefusalBackend>>;
  const nodeEnv = process.env.NODE_ENV;
  beforeAll(async () => {
    process.env.NODE_ENV = 'production';
    backend = await startRefusalBackend();
  });
  afterAll(() => {
    agent.destroy();
    process.env.NODE_ENV = nodeEnv;
    backend.gitops.remove();
  });

  it(`answers ${REQUESTS} of them without a 5xx, a hang, a stack, a path or a change to Git`, async () => {
    const started = Date.now();
    const refsBefore = backend.refs();
    const requests = new RequestFuzzer(SEED).requests(REQUESTS);
    // The fuzzer covers every operation of the contract.
    expect(new Set(requests.map(r => r.operation)).size).toBe(
      specOperations().length,
    );

    const outcomes = await sendAll(backend.server, requests);

    const seconds = (Date.now() - started) / 1000;
    const statuses = histogram(
      outcomes.map(o => (o.failure ? o.failure.split(':')[0] : `${o.status}`)),
    );
    const perOperation = histogram(
      outcomes.map(o => `${o.fuzz.operation} ${o.status ?? o.failure}`),
    );
    // eslint-disable-next-line no-console
    console.log(
      `Fuzzed ${outcomes.length} requests (seed ${SEED}) in ${seconds.toFixed(
        1,
      )} s: ${JSON.stringify(statuses)}\n${JSON.stringify(
        perOperation,
        null,
        1,
      )}`,
    );

    const machinePaths = new RegExp(
      [os.tmpdir(), process.cwd(), '/work/', '/home/']
        .map(p => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
    );
    const problems: string[] = [];
    const describe = (o: Outcome, what: string) =>
      `${o.fuzz.method.toUpperCase()} ${o.fuzz.path.slice(
        0,
        200,
      )} ${JSON.stringify(o.fuzz.body)?.slice(0, 300)} ${JSON.stringify(
        o.fuzz.headers,
      )}: ${what}`;
    for (const o of outcomes) {
      if (o.failure) {
        problems.push(describe(o, o.failure));
        continue;
      }
      const status = o.status!;
      if (status >= 500) {
        problems.push(describe(o, `${status} ${o.text?.slice(0, 300)}`));
        continue;
      }
      if (o.fuzz.refused.length && (status < 400 || status >= 500)) {
        problems.push(
          describe(o, `${status}, though ${o.fuzz.refused} is refused`),
        );
      }
      if (status >= 400) {
        try {
          expectToMatchSpec(o.body, 'Error');
        } catch (error) {
          problems.push(describe(o, `${status} ${(error as Error).message}`));
        }
        if (/"stack"/.test(o.text ?? '') || machinePaths.test(o.text ?? '')) {
          problems.push(describe(o, `${status} ${o.text?.slice(0, 300)}`));
        }
        if (
          status === 400 &&
          o.fuzz.refused.length &&
          !NAMES_A_FIELD.test(o.body?.error?.message)
        ) {
          problems.push(
            describe(o, `400 not naming a field: ${o.body?.error?.message}`),
          );
        }
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(outcomes).toHaveLength(REQUESTS);
    // Nothing reached Git: the same refs, at the same commits, and the same HEAD.
    expect(backend.refs()).toBe(refsBefore);
  }, 120_000);
});
