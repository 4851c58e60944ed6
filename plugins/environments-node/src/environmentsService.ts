import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  EnvironmentMatrix,
  EnvironmentPortfolio,
  EnvironmentsClient,
  NewEnvironmentChange,
  NewEnvironmentPlan,
  NewEnvironmentRequest,
  PortfolioRequest,
  Promotion,
  PromotionPlan,
  PromotionRequest,
} from '@stagecraft/plugin-environments-common';

/**
 * The environments plugin's API for other plugins' backend modules (scaffolder actions, search
 * collators): every call acts with the caller's credentials, so the environments plugin's
 * permission checks apply.
 *
 * @public
 */
export interface EnvironmentsService {
  /** An entity's environment matrix. */
  getEnvironmentMatrix(
    entityRef: CompoundEntityRef,
    options: { credentials: BackstageCredentials },
  ): Promise<EnvironmentMatrix>;

  /** A page of the portfolio. */
  getPortfolio(
    request: PortfolioRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<EnvironmentPortfolio>;

  /** A dry run: what promoting would change, its gates and its `planId`. Writes nothing. */
  planPromotion(
    entityRef: CompoundEntityRef,
    request: Omit<PromotionRequest, 'dryRun'>,
    options: { credentials: BackstageCredentials },
  ): Promise<PromotionPlan>;

  /**
   * Carries out a promotion (pass a dry run's `planId` to execute exactly that plan). A repeated
   * `idempotencyKey` returns the caller's first promotion with that key instead of a new one.
   */
  createPromotion(
    entityRef: CompoundEntityRef,
    request: Omit<PromotionRequest, 'dryRun'>,
    options: { credentials: BackstageCredentials; idempotencyKey?: string },
  ): Promise<Promotion>;

  /** A promotion and where it is in its lifecycle. */
  getPromotion(
    id: string,
    options: { credentials: BackstageCredentials },
  ): Promise<Promotion>;

  /**
   * Adds an environment to an entity's GitOps layout by copying an existing one. With
   * `dryRun: true`, returns the plan (the files as unified diffs) and writes nothing; otherwise
   * opens the change (a branch with a commit, and a pull request on GitHub).
   */
  createEnvironment(
    request: NewEnvironmentRequest & { dryRun: true },
    options: { credentials: BackstageCredentials },
  ): Promise<NewEnvironmentPlan>;
  createEnvironment(
    request: NewEnvironmentRequest & { dryRun?: false },
    options: { credentials: BackstageCredentials },
  ): Promise<NewEnvironmentChange>;
  createEnvironment(
    request: NewEnvironmentRequest,
    options: { credentials: BackstageCredentials },
  ): Promise<NewEnvironmentChange | NewEnvironmentPlan>;
}

/**
 * The environments service. Its default implementation calls the environments backend over HTTP
 * (`EnvironmentsClient`) with a token for the caller.
 *
 * @public
 */
export const environmentsServiceRef = createServiceRef<EnvironmentsService>({
  id: 'environments.service',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { auth: coreServices.auth, discovery: coreServices.discovery },
      factory({ auth, discovery }): EnvironmentsService {
        const client = new EnvironmentsClient({ discoveryApi: discovery });
        const tokenFor = async (credentials: BackstageCredentials) =>
          auth.getPluginRequestToken({
            onBehalfOf: credentials,
            targetPluginId: 'environments',
          });
        return {
          async getEnvironmentMatrix(entityRef, { credentials }) {
            return client.getEnvironmentMatrix(
              entityRef,
              await tokenFor(credentials),
            );
          },
          async getPortfolio(request, { credentials }) {
            return client.getPortfolio(request, await tokenFor(credentials));
          },
          async planPromotion(entityRef, request, { credentials }) {
            return client.planPromotion(
              entityRef,
              request,
              await tokenFor(credentials),
            );
          },
          async createPromotion(
            entityRef,
            request,
            { credentials, idempotencyKey },
          ) {
            return client.createPromotion(entityRef, request, {
              ...(await tokenFor(credentials)),
              ...(idempotencyKey !== undefined && { idempotencyKey }),
            });
          },
          async getPromotion(id, { credentials }) {
            return client.getPromotion(id, await tokenFor(credentials));
          },
          // The server answers a dry run with a plan and anything else with the change; the
          // overloads say so, which one implementation cannot.
          createEnvironment: (async (
            request: NewEnvironmentRequest,
            { credentials }: { credentials: BackstageCredentials },
          ) =>
            client.createEnvironment(
              request,
              await tokenFor(credentials),
            )) as EnvironmentsService['createEnvironment'],
        };
      },
    }),
});
