import { PromotionPlan } from '@stagecraft/plugin-environments-common';
import { execFileSync } from 'node:child_process';
import {
  commitMessage,
  markdownCodeBlock,
  pullRequestBody,
} from './changeDescription';

const plan: PromotionPlan = {
  planId: `plan-${'0'.repeat(32)}`,
  entityRef: 'component:default/catalogue',
  from: 'dev',
  to: 'staging',
  version: {
    images: [
      {
        application: 'catalogue',
        container: 'catalogue',
        image: 'craftista/catalogue',
        tag: '1.4.0',
        digest: null,
      },
    ],
  },
  changes: [
    {
      application: 'catalogue',
      container: 'catalogue',
      workload: 'Deployment/catalogue',
      from: { image: 'craftista/catalogue', tag: '1.3.2', digest: null },
      to: { image: 'craftista/catalogue', tag: '1.4.0', digest: null },
      provenance: {
        file: 'craftista/catalogue/overlays/staging/kustomization.yaml',
        path: 'images[0].newTag',
        line: 7,
      },
    },
  ],
  refusals: [],
  files: [],
  gates: [{ gate: 'source-healthy', passed: true, reason: 'dev is Healthy' }],
  method: 'pull-request',
  target: { repository: 'demo', branch: 'main', baseCommit: 'a'.repeat(40) },
  permission: { allowed: true },
  executable: true,
};

const context = {
  promotionId: '3b0f4c9e-8a9b-4a8e-9d7e-2f7c1b2a6d11',
  requestedBy: 'user:default/jane',
};

/** The trailers git reads from a commit message, as `git interpret-trailers --parse` lists them. */
function trailers(message: string): string[] {
  return execFileSync('git', ['interpret-trailers', '--parse'], {
    input: message,
  })
    .toString('utf8')
    .split('\n')
    .filter(Boolean);
}

// Notes that try to add trailers to the commit: after a blank line, after a patch divider that
// hides what follows from git, and with our own trailer and a carriage return.
const forgeries = [
  'Ship it\n\nSigned-off-by: Mallory <mallory@example.com>\nCo-authored-by: Eve <eve@example.com>',
  'Ship it\nSigned-off-by: Mallory <mallory@example.com>\n---\n',
  'Co-authored-by: Eve <eve@example.com>\n--- \nmore',
  'Stagecraft-Promotion: 00000000-0000-0000-0000-000000000000\r\nSigned-off-by: Mallory <m@example.com>',
  '\n\n\nSigned-off-by: Mallory <m@example.com>\n\n\n',
  '# Reviewed-by: Mallory <m@example.com>',
];

const ourTrailers = () => [
  `Stagecraft-Promotion: ${context.promotionId}`,
  'Stagecraft-Entity: component:default/catalogue',
  'Stagecraft-From: dev',
  'Stagecraft-To: staging',
  `Stagecraft-Requested-By: ${context.requestedBy}`,
];

describe('commitMessage', () => {
  it('keeps a note in the message, with no trailer but our own', () => {
    expect(trailers(commitMessage(plan, context))).toEqual(ourTrailers());
    for (const note of forgeries) {
      const message = commitMessage(plan, { ...context, note });
      expect(trailers(message)).toEqual(ourTrailers());
      // No line of the note starts a line of the message.
      expect(message).not.toMatch(/^(Signed-off-by|Co-authored-by|---|#)/m);
      expect(message.match(/^Stagecraft-Promotion:/gm)).toHaveLength(1);
      expect(message).toMatch(/^> (#? ?[A-Z][a-z-]+-by): /m);
    }
  });

  it('leaves out a note of only white space', () => {
    expect(commitMessage(plan, { ...context, note: ' \n\t\n' })).toBe(
      commitMessage(plan, context),
    );
    expect(pullRequestBody(plan, { ...context, note: '\n  ' })).toBe(
      pullRequestBody(plan, context),
    );
  });

  it('quotes a plain note line by line', () => {
    expect(
      commitMessage(plan, { ...context, note: 'Ship the search\n\nThanks' }),
    ).toContain('\n\nNote:\n> Ship the search\n>\n> Thanks\n\nStagecraft-');
  });
});

describe('pullRequestBody', () => {
  const hostile = [
    '@octocat look [here](https://evil.example) ![x](https://evil.example/x.png)',
    '<img src=x onerror=alert(1)> <script>alert(1)</script> <!-- hidden -->',
    '```\n@everyone outside\n```',
    '````\n[link](https://evil.example)\n`````',
    '# Heading\n> quote\n| a | b |\n\\',
  ];

  it('shows a note as a code block that no line of it can close', () => {
    for (const note of hostile) {
      const body = pullRequestBody(plan, { ...context, note });
      const block = markdownCodeBlock(note);
      expect(body).toContain(`**Note**\n\n${block}\n`);
      const [fence] = block.split('\n');
      const inside = block.split('\n').slice(1, -1);
      expect(inside.join('\n')).toBe(note);
      // A backtick fence closes only on a line of at least as many backticks.
      const fenceLength = fence.indexOf('text');
      for (const line of inside) {
        expect(line.trim()).not.toMatch(new RegExp(`^\`{${fenceLength},}$`));
      }
      // Outside the block, nothing of the note remains.
      const outside = body.replace(block, '');
      expect(outside).not.toMatch(/@|evil\.example|<img|<script|<!--/);
    }
  });

  it('fences with three backticks when the note has none', () => {
    expect(markdownCodeBlock('Ship it')).toBe('```text\nShip it\n```');
  });
});
