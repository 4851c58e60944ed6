import { EnvironmentMatrix } from '@stagecraft/plugin-environments-common';

/**
 * The environment columns of a portfolio: every environment of every entity, in promotion order
 * (the order entities list them, first appearance first when two entities disagree).
 */
export function portfolioColumns(items: EnvironmentMatrix[]): string[] {
  const columns: string[] = [];
  for (const item of items) {
    let insertAt = 0;
    for (const env of item.environments) {
      const existing = columns.indexOf(env.name);
      if (existing >= 0) {
        insertAt = existing + 1;
      } else {
        columns.splice(insertAt, 0, env.name);
        insertAt += 1;
      }
    }
  }
  return columns;
}
