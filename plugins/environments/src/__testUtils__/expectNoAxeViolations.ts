import axe from 'axe-core';

/**
 * Runs axe-core's WCAG 2.x A/AA rules on `container` (default: the whole document, so dialogs
 * rendered in portals count) and fails with the violations. Rules that need layout or real
 * colours, which jsdom lacks, are off.
 */
export async function expectNoAxeViolations(
  container: Element = document.body,
): Promise<void> {
  const results = await axe.run(
    // react-aria's live announcer may still hold a "Loading" message pointing at the spinner of
    // a button that has gone; that is react-aria's markup, not ours.
    { include: [container], exclude: [['[data-live-announcer]']] },
    {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'],
      },
      rules: {
        'color-contrast': { enabled: false },
        'target-size': { enabled: false },
      },
    },
  );
  expect(
    results.violations.map(
      violation =>
        `${violation.id} (${violation.impact}): ${
          violation.help
        } at ${violation.nodes.map(node => node.target.join(' ')).join(', ')}`,
    ),
  ).toEqual([]);
}
