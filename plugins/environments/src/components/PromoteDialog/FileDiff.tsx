import { Flex, Text } from '@backstage/ui';
import { FileChange } from '@stagecraft/plugin-environments-common';
import { CSSProperties } from 'react';

/** Diff colours from the theme's tokens, so they follow light and dark mode. */
export const diffLineStyles: Record<
  'added' | 'removed' | 'hunk',
  CSSProperties
> = {
  added: {
    color: 'var(--bui-positive-fg-subdued)',
    backgroundColor: 'var(--bui-positive-bg-subdued)',
  },
  removed: {
    color: 'var(--bui-negative-fg-subdued)',
    backgroundColor: 'var(--bui-negative-bg-subdued)',
  },
  hunk: {
    color: 'var(--bui-announcement-fg-subdued)',
    backgroundColor: 'var(--bui-announcement-bg-subdued)',
  },
};

const preStyle: CSSProperties = {
  margin: 0,
  padding: 'var(--bui-space-2)',
  overflowX: 'auto',
  fontFamily: 'var(--bui-font-monospace, monospace)',
  fontSize: 'var(--bui-font-size-2, 0.8125rem)',
  color: 'var(--bui-fg-primary)',
  backgroundColor: 'var(--bui-bg-neutral-2, transparent)',
  border: '1px solid var(--bui-border-1, currentColor)',
  borderRadius: 'var(--bui-radius-2, 4px)',
};

function lineKind(line: string): keyof typeof diffLineStyles | undefined {
  if (line.startsWith('+++') || line.startsWith('---')) {
    return undefined;
  }
  if (line.startsWith('+')) return 'added';
  if (line.startsWith('-')) return 'removed';
  if (line.startsWith('@@')) return 'hunk';
  return undefined;
}

/** One file's unified diff, added and removed lines coloured. */
export function FileDiff({ file }: { file: FileChange }) {
  const lines = file.diff.replace(/\n$/, '').split('\n');
  return (
    <Flex direction="column" gap="1">
      <Text as="h4" variant="body-small" weight="bold">
        {file.path}
      </Text>
      <pre
        style={preStyle}
        role="region"
        aria-label={`Changes to ${file.path}`}
        // A scrollable region must be reachable by keyboard to scroll it.
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
      >
        {lines.map((line, index) => {
          const kind = lineKind(line);
          return (
            <span
              key={index}
              data-diff={kind}
              style={{ display: 'block', ...(kind && diffLineStyles[kind]) }}
            >
              {line || ' '}
            </span>
          );
        })}
      </pre>
    </Flex>
  );
}
