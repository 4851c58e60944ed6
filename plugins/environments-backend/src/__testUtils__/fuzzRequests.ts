/*
 * Malformed requests for every route of openapi.yaml, generated from a seed. None of them can
 * write to Git: a request either plans (`dryRun: true`) or carries at least one value that no
 * schema accepts (its `refused` names it).
 */

/** mulberry32: a small seeded pseudo-random generator, so each run sends the same requests. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FuzzRequest = {
  operation: string;
  method: 'get' | 'post';
  path: string;
  headers: Record<string, string>;
  /** A JSON value (sent as JSON) or raw text (sent as is). */
  body?: { json: unknown } | { raw: string };
  /** Fields given a value no schema accepts; empty when the request may pass validation. */
  refused: string[];
};

/** Strings that no field but `note` accepts: control characters, spaces, too long. */
const INVALID_STRINGS = [
  '',
  ' ',
  'a b',
  'a\nb',
  'dev\n',
  'a\r\nSigned-off-by: x',
  '\u0000',
  'x\u0000y',
  '\u001b[31mred',
  'del\u007f',
  'c1\u0085',
  'rtl\u202eltr',
  'ls\u2028x',
  'lone\ud800',
  '../../etc/passwd',
  '/tmp/x',
  '%00',
  "'; DROP TABLE promotions; --",
  '<script>alert(1)</script>',
  '@everyone',
  '[x](https://evil.example)',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '__proto__',
  'é',
  '日本',
  '🚀',
  'x'.repeat(5000),
];

/** Values of other types; `null` only where a field is not nullable. */
const INVALID_VALUES: unknown[] = [
  0,
  -1,
  1.5,
  1e308,
  true,
  false,
  [],
  ['dev'],
  {},
  { $ne: null },
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__":{"polluted":true}}'),
];

/** Strings that some fields accept: names, numbers, keys of Object.prototype. */
const PLAUSIBLE_STRINGS = [
  'dev',
  'staging',
  'prod',
  'qa',
  'perf',
  'component',
  'default',
  'catalogue',
  'lost',
  'constructor',
  'toString',
  'hasOwnProperty',
  'x'.repeat(64),
  'x'.repeat(254),
  'A',
  '1',
  '1e3',
  '250m',
  '512Mi',
  'craftista-perf',
  'perf.craftista.local',
  '*.craftista.local',
  'component:default/catalogue',
  'group:default/team-a',
  'plan-0123456789abcdef0123456789abcdef',
  '3b0f4c9e-8a9b-4a8e-9d7e-2f7c1b2a6d11',
];

const RAW_BODIES = [
  '',
  '{',
  '{"from":',
  '{"from":"dev",}',
  "{'from':'dev'}",
  'null',
  'true',
  '0',
  '"dev"',
  '[]',
  '[{"from":"dev"}]',
  'from=dev&to=staging',
  '\u0000\u0001\u0002',
  '{"a":'.repeat(500),
  '{"from":"dev","to":"staging","dryRun":false,"dryRun":"x"}',
  '{"__proto__":{"dryRun":true},"from":"dev","to":"staging"}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '\ufeff{"from":"dev","to":"staging","dryRun":"x"}',
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/merge-patch+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '*/*',
  'application/json;;;',
  '',
];

const ENTITY_OPERATIONS = ['matrix', 'history', 'promote'] as const;
const PROMOTION_ACTIONS = ['get', 'cancel', 'retry', 'merge'] as const;

/** A generator of malformed requests. */
export class RequestFuzzer {
  private readonly random: () => number;
  private readonly hugeNote = 'x'.repeat(120 * 1024);

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  /** `count` requests, spread evenly over the nine operations. */
  requests(count: number): FuzzRequest[] {
    const makers = [
      () => this.entityRequest('matrix'),
      () => this.portfolio(),
      () => this.entityRequest('history'),
      () => this.entityRequest('promote'),
      () => this.promotionAction('get'),
      () => this.promotionAction('cancel'),
      () => this.promotionAction('retry'),
      () => this.promotionAction('merge'),
      () => this.newEnvironment(),
    ];
    return Array.from({ length: count }, (_, i) => makers[i % makers.length]());
  }

  private chance(p: number) {
    return this.random() < p;
  }

  private pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.random() * values.length)];
  }

  /** A string of random UTF-16 code units. */
  private noise(): string {
    const length = Math.floor(this.random() * 24);
    let text = '';
    for (let i = 0; i < length; i++) {
      // ASCII mostly, then control characters, Latin-1 and the rest of the BMP.
      const [start, size] = this.pick([
        [0x20, 95],
        [0x20, 95],
        [0x20, 95],
        [0x20, 95],
        [0x20, 95],
        [0x20, 95],
        [0x20, 95],
        [0, 0x20],
        [0x80, 0x80],
        [0, 0xffff],
      ]);
      const code = start + Math.floor(this.random() * size);
      text += String.fromCharCode(code);
    }
    return text;
  }

  /** A value no string field but `note` accepts. */
  private invalid(nullable = false): unknown {
    const r = this.random();
    if (r < 0.6) return this.pick(INVALID_STRINGS);
    if (r < 0.95 || nullable) return this.pick(INVALID_VALUES);
    return null;
  }

  /** Any value at all: valid, plausible or not. */
  private anything(): unknown {
    const r = this.random();
    if (r < 0.35) return this.pick(PLAUSIBLE_STRINGS);
    if (r < 0.55) return this.noise();
    if (r < 0.8) return this.pick(INVALID_STRINGS);
    return this.pick([...INVALID_VALUES, null]);
  }

  /** A path segment: the real one, a plausible or invalid one, or broken percent-encoding. */
  private segment(real: string): { text: string; refused: boolean } {
    const r = this.random();
    if (r < 0.65) return { text: real, refused: false };
    if (r < 0.75) {
      return { text: encode(this.pick(PLAUSIBLE_STRINGS)), refused: false };
    }
    if (r < 0.8) return { text: encode(this.noise()) || real, refused: false };
    if (r < 0.92) {
      const value = this.pick(INVALID_STRINGS);
      // An empty segment is another route (404), not a refused value.
      return value
        ? { text: encode(value), refused: true }
        : { text: real, refused: false };
    }
    return {
      text: this.pick(['%', '%E0%A4%A', '%zz', '%C0%AE', '%ED%A0%80', '%FF']),
      refused: false,
    };
  }

  private headers(idempotent: boolean): {
    headers: Record<string, string>;
    refused: string[];
  } {
    const headers: Record<string, string> = {};
    const refused: string[] = [];
    if (idempotent && this.chance(0.4)) {
      const r = this.random();
      if (r < 0.5) {
        headers['Idempotency-Key'] = this.pick([
          'with space',
          'caf\u00e9',
          'x'.repeat(256),
          '\t',
          'a\tb',
        ]);
        refused.push('Idempotency-Key header');
      } else {
        headers['Idempotency-Key'] = headerValue(this.noise()) || 'k';
      }
    }
    if (this.chance(0.1)) {
      headers.Authorization = this.pick([
        'Bearer garbage',
        'Bearer ',
        'Basic dXNlcjpwYXNz',
        headerValue(this.noise()),
      ]);
    }
    if (this.chance(0.1)) {
      headers[
        this.pick(['Accept', 'X-Forwarded-For', 'If-None-Match', 'Range'])
      ] = headerValue(this.noise());
    }
    return { headers, refused };
  }

  private query(fields: string[]): { text: string; refused: string[] } {
    const parts: string[] = [];
    const refused: string[] = [];
    // At least one field: a request without any is a plain read, which the route tests cover.
    const count = 1 + Math.floor(this.random() * 2);
    for (let i = 0; i < count; i++) {
      const r = this.random();
      const field = this.pick(fields);
      if (r < 0.3) {
        parts.push(`${field}=${encode(this.pick(PLAUSIBLE_STRINGS))}`);
      } else if (r < 0.6) {
        const value = this.pick(INVALID_STRINGS);
        parts.push(`${field}=${encode(value)}`);
        // A cursor is any printable ASCII without spaces; percent-encoding that is not UTF-8 (a
        // lone surrogate's) stays as it is, in ASCII.
        const cursorRefused =
          /[^\x21-\x7e]/.test(value) && !/[\ud800-\udfff]/.test(value);
        if (value && (field !== 'cursor' || cursorRefused)) {
          refused.push(field);
        }
      } else if (r < 0.75) {
        parts.push(`${field}[a]=b`, `${field}=c&${field}=d`);
        refused.push(field);
      } else if (r < 0.85) {
        parts.push(`${encode(this.noise()) || 'x'}=1`);
      } else {
        parts.push(
          this.pick([
            '__proto__[x]=1',
            'constructor[prototype][x]=1',
            '&&',
            '=',
            '%',
          ]),
        );
      }
    }
    return { text: parts.length ? `?${parts.join('&')}` : '', refused };
  }

  private entityRequest(
    operation: (typeof ENTITY_OPERATIONS)[number],
  ): FuzzRequest {
    const parts = [
      'component',
      'default',
      // `lost` is in a repository that cannot be read: its matrix and history say so, and a plan
      // for it is rightly a 503, so only reads go there.
      operation === 'promote'
        ? 'catalogue'
        : this.pick([
            'catalogue',
            'catalogue',
            'catalogue',
            'catalogue',
            'lost',
          ]),
    ].map(real => this.segment(real));
    const refused = parts.some(p => p.refused) ? ['ref'] : [];
    const base = `/api/environments/entities/${parts
      .map(p => p.text)
      .join('/')}`;
    const { headers, refused: headerRefusals } = this.headers(
      operation === 'promote',
    );
    if (operation === 'matrix') {
      return { operation, method: 'get', path: base, headers, refused };
    }
    if (operation === 'history') {
      const query = this.query(['environment']);
      return {
        operation,
        method: 'get',
        path: `${base}/promotions${query.text}`,
        headers,
        refused: [...refused, ...query.refused],
      };
    }
    const body = this.body(
      { from: 'dev', to: 'staging' },
      {
        from: () => this.invalid(),
        to: () => this.invalid(),
        note: () =>
          this.pick(
            [
              ...INVALID_STRINGS.slice(1, 22),
              5,
              [],
              {},
              this.hugeNote.slice(0, 2001),
            ].filter(
              n =>
                typeof n !== 'string' ||
                // eslint-disable-next-line no-control-regex
                /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u202e\ud800]|\r(?!\n)/.test(
                  n,
                ) ||
                n.length > 2000,
            ),
          ),
        planId: () =>
          this.pick(['plan-', 'plan-XYZ', `plan-${'0'.repeat(31)}`, 7, null]),
        version: () =>
          this.pick([
            null,
            [],
            { images: [] },
            { images: {} },
            { images: [{}] },
            {
              images: [
                {
                  application: 'catalogue',
                  container: 'catalogue',
                  tag: 'a b',
                  digest: null,
                },
              ],
            },
            {
              images: [
                {
                  application: 'catalogue',
                  container: 'catalogue',
                  tag: '1.4.0',
                  digest: 'nope',
                },
              ],
            },
            {
              images: Array(101).fill({
                application: 'a',
                container: 'a',
                tag: '1',
                digest: null,
              }),
            },
            {
              images: [
                {
                  application: 'catalogue',
                  container: 'catalogue',
                  tag: '1.4.0',
                  digest: null,
                },
              ],
              extra: 1,
            },
          ]),
      },
    );
    return {
      operation,
      method: 'post',
      path: `${base}/promotions`,
      headers: { ...headers, ...body.headers },
      body: body.body,
      refused: [...refused, ...headerRefusals, ...body.refused],
    };
  }

  private portfolio(): FuzzRequest {
    const query = this.query([
      'owner',
      'system',
      'kind',
      'cursor',
      'limit',
      'page',
      'sort',
    ]);
    const { headers } = this.headers(false);
    return {
      operation: 'portfolio',
      method: 'get',
      path: `/api/environments/entities${query.text}`,
      headers,
      refused: query.refused.filter(f => f !== 'limit'),
    };
  }

  private promotionAction(
    action: (typeof PROMOTION_ACTIONS)[number],
  ): FuzzRequest {
    const r = this.random();
    let id: string;
    let refused: string[] = [];
    if (r < 0.3) {
      id = uuid(this.random);
    } else if (r < 0.8) {
      const value = this.pick(INVALID_STRINGS.filter(Boolean));
      id = encode(value);
      refused = ['id'];
    } else {
      id = encode(this.noise()) || 'x';
      refused = [];
    }
    const { headers, refused: headerRefusals } = this.headers(
      action === 'retry',
    );
    const path = `/api/environments/promotions/${id}${
      action === 'get' ? '' : `/${action}`
    }`;
    const request: FuzzRequest = {
      operation: `${action} promotion`,
      method: action === 'get' ? 'get' : 'post',
      path,
      headers,
      refused: [...refused, ...headerRefusals],
    };
    // These routes take no body; whatever a client sends is not read.
    if (request.method === 'post' && this.chance(0.3)) {
      request.body = { raw: this.pick(RAW_BODIES) };
      request.headers['Content-Type'] =
        this.pick(CONTENT_TYPES) || 'application/json';
    }
    return request;
  }

  private newEnvironment(): FuzzRequest {
    const quantity = () =>
      this.pick([
        '1.2.3',
        '-1',
        '512MB',
        'lots',
        '1Ki ',
        'm',
        '1e',
        '',
        5,
        null,
      ]);
    const body = this.body(
      {
        entityRef: this.pick([
          'component:default/catalogue',
          'component:default/catalogue',
          'component:default/lost',
        ]),
        name: 'perf',
        from: 'staging',
      },
      {
        entityRef: () => this.invalid(),
        name: () =>
          this.pick([
            'Perf',
            'perf_1',
            '-perf',
            'perf-',
            'x'.repeat(64),
            ...INVALID_STRINGS.slice(1, 20),
          ]),
        from: () => this.invalid(),
        namespace: () =>
          this.pick([
            'Craftista',
            'a.b',
            'a_b',
            '-a',
            'x'.repeat(64),
            ...INVALID_STRINGS.slice(1, 20),
          ]),
        host: () =>
          this.pick([
            'a..b',
            'a_b.c',
            '-a.b',
            'A.b',
            `${'x'.repeat(64)}.b`,
            'a.b.',
            '*',
            ...INVALID_STRINGS.slice(1, 20),
          ]),
        replicas: () => this.pick([-1, 1.5, 1001, '3', null, [], {}]),
        resources: () =>
          this.pick([
            null,
            [],
            { requests: { cpu: quantity() } },
            { limits: { memory: quantity() } },
            { requests: { gpu: '1' } },
            { requests: [] },
          ]),
      },
    );
    return {
      operation: 'new environment',
      method: 'post',
      path: '/api/environments/environments',
      headers: body.headers,
      body: body.body,
      refused: body.refused,
    };
  }

  /**
   * A body from a valid one: a plan (`dryRun: true`) with any values, or one with at least one
   * refused value (a `dryRun` that is not a boolean, a field that is not valid, an unknown field, a
   * body that is not a JSON object).
   */
  private body(
    valid: Record<string, unknown>,
    invalid: Record<string, () => unknown>,
  ): {
    body: FuzzRequest['body'];
    headers: Record<string, string>;
    refused: string[];
  } {
    const r = this.random();
    if (r < 0.12) {
      const raw = this.chance(0.1)
        ? JSON.stringify({ ...valid, note: this.hugeNote })
        : this.pick(RAW_BODIES);
      const contentType = this.pick(CONTENT_TYPES);
      const headers: Record<string, string> = contentType
        ? { 'Content-Type': contentType }
        : {};
      if (this.chance(0.15)) {
        headers['Content-Encoding'] = this.pick([
          'gzip',
          'deflate',
          'br',
          'x-unknown',
        ]);
      }
      return { body: { raw }, headers, refused: ['body'] };
    }
    const body: Record<string, unknown> = { ...valid };
    const refused: string[] = [];
    const plan = this.chance(0.35);
    if (plan) {
      body.dryRun = true;
      const variant = this.random();
      if (variant < 0.4) {
        // A plan with a refused value: it must be refused before planning.
        const field = this.pick(Object.keys(invalid));
        body[field] = invalid[field]();
        refused.push(field);
      } else if (variant < 0.8) {
        // Any value: a plan with it may be made or refused.
        body[this.pick(Object.keys(valid))] = this.anything();
      }
    } else {
      const fields = Object.keys(invalid);
      const count = 1 + Math.floor(this.random() * 3);
      for (let i = 0; i < count; i++) {
        const field = this.pick(fields);
        body[field] = invalid[field]();
        refused.push(field);
      }
      if (this.chance(0.3)) {
        body.dryRun = this.pick(['true', 1, null, 'false', [], {}]);
        refused.push('dryRun');
      } else if (this.chance(0.2)) {
        body[
          this.pick([
            'extra',
            '__proto__',
            'constructor',
            'prototype',
            'dry_run',
            '',
          ])
        ] = this.anything();
        refused.push('body');
      }
    }
    return {
      body: { json: body },
      headers: { 'Content-Type': 'application/json' },
      refused,
    };
  }
}

/** Percent-encodes a string; a lone surrogate becomes its (invalid) UTF-8 bytes. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return `${encodeURIComponent(
      value.replace(/[\ud800-\udfff]/g, ''),
    )}%ED%A0%80`;
  }
}

/** A value Node's HTTP client sends as a header: Latin-1 without control characters. */
function headerValue(value: string): string {
  return value.replace(/[^\t\x20-\x7e\xa0-\xff]/g, '').trim();
}

function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () =>
    Math.floor(random() * 16).toString(16),
  ).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(
    13,
    16,
  )}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}
