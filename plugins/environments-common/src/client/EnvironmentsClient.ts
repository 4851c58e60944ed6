import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { EnvironmentMatrix, EnvironmentPortfolio } from '../matrix';
import {
  NewEnvironmentChange,
  NewEnvironmentPlan,
  NewEnvironmentRequest,
} from '../newEnvironment';
import {
  Promotion,
  PromotionHistory,
  PromotionPlan,
  PromotionRequest,
} from '../promotions';
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
    return this.get<EnvironmentMatrix>(entityPath(entityRef), options);
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

  async planPromotion(
    entityRef: CompoundEntityRef,
    request: Omit<PromotionRequest, 'dryRun'>,
    options?: EnvironmentsRequestOptions,
  ): Promise<PromotionPlan> {
    return this.request<PromotionPlan>(`${entityPath(entityRef)}/promotions`, {
      ...options,
      method: 'POST',
      body: { ...request, dryRun: true },
    });
  }

  async createPromotion(
    entityRef: CompoundEntityRef,
    request: Omit<PromotionRequest, 'dryRun'>,
    options?: EnvironmentsRequestOptions & { idempotencyKey?: string },
  ): Promise<Promotion> {
    return this.request<Promotion>(`${entityPath(entityRef)}/promotions`, {
      ...options,
      method: 'POST',
      body: request,
    });
  }

  async getPromotion(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Promotion> {
    return this.get<Promotion>(
      `/promotions/${encodeURIComponent(id)}`,
      options,
    );
  }

  async cancelPromotion(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Promotion> {
    return this.request<Promotion>(
      `/promotions/${encodeURIComponent(id)}/cancel`,
      { ...options, method: 'POST' },
    );
  }

  async retryPromotion(
    id: string,
    options?: EnvironmentsRequestOptions & { idempotencyKey?: string },
  ): Promise<Promotion> {
    return this.request<Promotion>(
      `/promotions/${encodeURIComponent(id)}/retry`,
      { ...options, method: 'POST' },
    );
  }

  async mergePromotion(
    id: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<Promotion> {
    return this.request<Promotion>(
      `/promotions/${encodeURIComponent(id)}/merge`,
      { ...options, method: 'POST' },
    );
  }

  createEnvironment(
    request: NewEnvironmentRequest & { dryRun: true },
    options?: EnvironmentsRequestOptions,
  ): Promise<NewEnvironmentPlan>;
  createEnvironment(
    request: NewEnvironmentRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<NewEnvironmentChange | NewEnvironmentPlan>;
  async createEnvironment(
    request: NewEnvironmentRequest,
    options?: EnvironmentsRequestOptions,
  ): Promise<NewEnvironmentChange | NewEnvironmentPlan> {
    return this.request<NewEnvironmentChange | NewEnvironmentPlan>(
      '/environments',
      { ...options, method: 'POST', body: request },
    );
  }

  async getPromotionHistory(
    entityRef: CompoundEntityRef,
    query?: { environment?: string },
    options?: EnvironmentsRequestOptions,
  ): Promise<PromotionHistory> {
    const search = query?.environment
      ? `?${new URLSearchParams({ environment: query.environment })}`
      : '';
    return this.get<PromotionHistory>(
      `${entityPath(entityRef)}/promotions${search}`,
      options,
    );
  }

  private async get<T>(
    path: string,
    options?: EnvironmentsRequestOptions,
  ): Promise<T> {
    return this.request<T>(path, { ...options, method: 'GET' });
  }

  private async request<T>(
    path: string,
    options: EnvironmentsRequestOptions & {
      method: 'GET' | 'POST';
      body?: unknown;
      idempotencyKey?: string;
    },
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('environments');
    const headers: Record<string, string> = {};
    if (options.token) {
      headers.Authorization = `Bearer ${options.token}`;
    }
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (options.idempotencyKey) {
      headers['Idempotency-Key'] = options.idempotencyKey;
    }
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: options.method,
      headers,
      ...(options.body !== undefined && {
        body: JSON.stringify(options.body),
      }),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

function entityPath(entityRef: CompoundEntityRef): string {
  return `/entities/${encodeURIComponent(entityRef.kind)}/${encodeURIComponent(
    entityRef.namespace,
  )}/${encodeURIComponent(entityRef.name)}`;
}
