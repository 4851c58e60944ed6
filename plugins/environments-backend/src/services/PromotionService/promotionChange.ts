import { parseEntityRef } from '@backstage/catalog-model';
import { Promotion } from '@stagecraft/plugin-environments-common';
import { OpenedChange } from '../../git';

/** `stagecraft/promote/catalogue-staging-1a2b3c4d`: one branch per promotion, readable in any Git UI. */
export function changeBranchName(promotion: Promotion): string {
  const { name } = parseEntityRef(promotion.entityRef);
  const safe = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .slice(0, 40);
  return `stagecraft/promote/${safe(name)}-${safe(
    promotion.to,
  )}-${promotion.id.slice(0, 8)}`;
}

/** The branch a promotion's change is (or would be) on; none for direct commits. */
export function branchOf(promotion: Promotion): string | undefined {
  if (promotion.changeBranch) {
    return promotion.changeBranch;
  }
  return promotion.method === 'direct-commit'
    ? undefined
    : changeBranchName(promotion);
}

/** The change a recorded promotion opened, as the Git providers take it. */
export function openedChange(promotion: Promotion): OpenedChange {
  return {
    branch: promotion.changeBranch ?? '',
    commit: promotion.commit?.sha ?? '',
    ...(promotion.pullRequest && { pullRequest: promotion.pullRequest }),
  };
}
