import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { EnvironmentMatrix, EnvironmentPortfolio } from '../matrix';
import {
  EnvironmentsApi,
  EnvironmentsRequestOptions,
  PortfolioRequest,
} from './EnvironmentsApi';

/**
 * The environments plugin's HTTP client, for browsers and for backend modules alike.
 *
 * @public
 */
export class EnvironmentsClient implements EnvironmentsApi {
  private readonly discoveryApi: {
    getBaseUrl(pluginId: string): Promise<string>;
  };
  private readonly fetchApi: { fetch: typeof fetch };

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi ?? { fetch: globalThis.fetch };
  }

  async getEnvironmentMatrix(
    entityRef: CompoundEntityRef,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentMatrix> {
    return this.get<EnvironmentMatrix>(
      `/entities/${encodeURIComponent(entityRef.kind)}/${encodeURIComponent(
        entityRef.namespace,
      )}/${encodeURIComponent(entityRef.name)}`,
      options,
    );
  }

  async getPortfolio(
    query: PortfolioRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<EnvironmentPortfolio> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) {
        params.set(key, String(value));
      }
    }
    const search = params.toString();
    return this.get<EnvironmentPortfolio>(
      `/entities${search ? `?${search}` : ''}`,
      options,
    );
  }

  private async get<T>(
    path: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('environments');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      headers: options?.token
        ? { Authorization: `Bearer ${options.token}` }
        : undefined,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
