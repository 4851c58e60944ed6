import { formatPromotionTrailers } from './promotionTrailers';
import {
  ImageVersion,
  PromotionPlan,
} from '@stagecraft/plugin-environments-common';

/** `1.4.0`, `sha256:1234567890ab` or `1.4.0@sha256:1234567890ab`. */
export function formatImageVersion(version: ImageVersion | null): string {
  if (!version || (!version.tag && !version.digest)) {
    return '(none)';
  }
  const digest = version.digest
    ? version.digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1')
    : undefined;
  return [version.tag, digest].filter(Boolean).join('@');
}

function entityName(entityRef: string) {
  return entityRef.split('/').pop() ?? entityRef;
}

/** The version a plan moves, for a title: one version, or "3 images". */
function versionSummary(plan: Pick<PromotionPlan, 'changes'>) {
  const versions = new Set(plan.changes.map(c => formatImageVersion(c.to)));
  return versions.size === 1
    ? [...versions][0]
    : `${plan.changes.length} images`;
}

/** `Promote catalogue to staging: 1.4.0`, or `Roll back …` when the source is the target. */
export function changeTitle(
  plan: Pick<PromotionPlan, 'entityRef' | 'from' | 'to' | 'changes'>,
): string {
  const verb = plan.from === plan.to ? 'Roll back' : 'Promote';
  return `${verb} ${entityName(plan.entityRef)} to ${plan.to}: ${versionSummary(
    plan,
  )}`;
}

/** The commit message: the title, then the changes, who asked for it and the promotion's id. */
export function commitMessage(
  plan: PromotionPlan,
  context: { promotionId: string; requestedBy: string; note?: string },
): string {
  const lines = [
    changeTitle(plan),
    '',
    ...plan.changes.map(
      c =>
        `- ${c.workload} ${c.container}: ${formatImageVersion(
          c.from,
        )} -> ${formatImageVersion(c.to)}`,
    ),
    '',
    `Requested by ${context.requestedBy} from ${plan.from} through Backstage.`,
  ];
  if (context.note?.trim()) {
    lines.push('', 'Note:', ...quoteNote(context.note));
  }
  lines.push(
    '',
    ...formatPromotionTrailers({
      promotionId: context.promotionId,
      entityRef: plan.entityRef,
      from: plan.from,
      to: plan.to,
      requestedBy: context.requestedBy,
    }),
  );
  return lines.join('\n');
}

/**
 * A note's lines for a commit message, each after `> `: no line of a note can start a trailer
 * (`Signed-off-by: …`), a patch divider (`---`), or a comment git strips (`#`), and its blank
 * lines do not start a paragraph of their own.
 */
function quoteNote(note: string): string[] {
  return note
    .replace(/\r\n?/g, '\n')
    .replace(/^\n+|\s+$/g, '')
    .split('\n')
    .map(line => (line.trim() ? `> ${line.trimEnd()}` : '>'));
}

/**
 * A note as a Markdown code block, fenced by more backticks than any run of backticks in it:
 * nothing in it renders (links, images, HTML, headings) or notifies (`@someone`, `#123`).
 */
export function markdownCodeBlock(text: string): string {
  const longestRun = Math.max(
    0,
    ...(text.match(/`+/g) ?? []).map(run => run.length),
  );
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}text\n${text.replace(/\r\n?/g, '\n')}\n${fence}`;
}

/** The pull request's body (Markdown): changes, gates, the note and a link back to the entity. */
export function pullRequestBody(
  plan: PromotionPlan,
  context: {
    promotionId: string;
    requestedBy: string;
    note?: string;
    entityUrl?: string;
  },
): string {
  const escape = (text: string) => text.replace(/[|<>]/g, c => `\\${c}`);
  const lines = [
    `**${escape(context.requestedBy)}** promotes \`${escape(
      plan.entityRef,
    )}\` from **${escape(plan.from)}** to **${escape(plan.to)}**.`,
    '',
    '| Workload | Container | From | To | File |',
    '| --- | --- | --- | --- | --- |',
    ...plan.changes.map(
      c =>
        `| ${escape(c.workload)} | ${escape(c.container)} | ${escape(
          formatImageVersion(c.from),
        )} | ${escape(formatImageVersion(c.to))} | \`${escape(
          c.provenance.file,
        )}\` line ${c.provenance.line} |`,
    ),
    '',
    '**Gates**',
    '',
    ...plan.gates.map(g => `- [${g.passed ? 'x' : ' '}] ${escape(g.reason)}`),
  ];
  if (context.note?.trim()) {
    lines.push('', '**Note**', '', markdownCodeBlock(context.note));
  }
  lines.push(
    '',
    context.entityUrl
      ? `[Open ${escape(entityName(plan.entityRef))} in Backstage](${
          context.entityUrl
        })`
      : '',
    '',
    `<sub>Stagecraft promotion ${context.promotionId}</sub>`,
  );
  return lines.join('\n');
}
