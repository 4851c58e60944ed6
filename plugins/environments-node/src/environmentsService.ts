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
  PortfolioRequest,
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
        };
      },
    }),
});
