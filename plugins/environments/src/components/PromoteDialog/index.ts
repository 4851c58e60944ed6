export { PromoteDialog, promoteDialogTitle } from './PromoteDialog';
export type { PromotionTarget } from './usePromotionPlan';
