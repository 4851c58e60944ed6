import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { MatrixService } from '../services/MatrixService';
import { PromotionService } from '../services/PromotionService';
import { createEnvironmentMatrixAction } from './createEnvironmentMatrixAction';
import { createPlanPromotionAction } from './createPlanPromotionAction';
import { createWhereVersionRunsAction } from './createWhereVersionRunsAction';

/**
 * Registers the plugin's actions (for the MCP actions backend and other action callers): each
 * runs as the caller, through the same services and permissions as the HTTP API.
 */
export function registerEnvironmentsActions(options: {
  actionsRegistry: ActionsRegistryService;
  matrix: MatrixService;
  promotions: PromotionService;
}) {
  createWhereVersionRunsAction(options);
  createEnvironmentMatrixAction(options);
  createPlanPromotionAction(options);
}
