import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  NewEnvironmentChange,
  NewEnvironmentPlan,
  NewEnvironmentRequest,
} from '@stagecraft/plugin-environments-common';

/**
 * Adds environments to entities' GitOps layouts, by copying one, through the same Git providers
 * and permission checks as promotions.
 *
 * @public
 */
export interface NewEnvironmentService {
  /**
   * The files the change would hold. `InputError` for a name that is not a DNS label or an unknown
   * source environment; `ConflictError` when the environment exists; `NotAllowedError` when the
   * caller may not promote into it.
   */
  plan(
    request: NewEnvironmentRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<NewEnvironmentPlan>;

  /** Plans, then opens the change for review: a pull request, or a branch for plain git. */
  create(
    request: NewEnvironmentRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<NewEnvironmentChange>;
}
