import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { durationToMilliseconds } from '@backstage/types';
import {
  environmentsEntityReadPermission,
  environmentsPromotionCreatePermission,
  isOpenPromotionState,
} from '@stagecraft/plugin-environments-common';
import { createRouter } from './router';
import { createLiveStateReader } from './clusters';
import { GithubRepositories, readGitRepositories } from './git';
import {
  environmentsPromotionPermissionResourceRef,
  environmentsPromotionRules,
} from './permissions';
import { createPromotionAuthorizer } from './permissions/createPromotionAuthorizer';
import { loadPromotionResources } from './permissions/loadPromotionResources';
import { createMatrixService } from './services/MatrixService';
import {
  createPromotionService,
  readEnvironmentPolicies,
} from './services/PromotionService';
import { DatabasePromotionStore } from './database';
import { createNewEnvironmentService } from './services/NewEnvironmentService';
import { readEnvironmentAliases } from './services/MatrixService/environmentAliases';
import { registerEnvironmentsActions } from './actions';
import {
  createEntitySignals,
  signalingPromotionStore,
} from './services/signals';

/**
 * The environments backend plugin: what runs where, and promotions through Git.
 *
 * @public
 */
export const environmentsPlugin = createBackendPlugin({
  pluginId: 'environments',
  register(env) {
    env.registerInit({
      deps: {
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        config: coreServices.rootConfig,
        cache: coreServices.cache,
        database: coreServices.database,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        notifications: notificationService,
        // Always resolvable (its default factory publishes through the events service); pages
        // hear it only when the signals backend is installed.
        signals: signalsServiceRef,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        config,
        cache,
        database,
        lifecycle,
        logger,
        scheduler,
        notifications,
        signals,
        auditor,
        auth,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        catalog,
        actionsRegistry,
      }) {
        permissionsRegistry.addPermissions([environmentsEntityReadPermission]);
        permissionsRegistry.addResourceType({
          resourceRef: environmentsPromotionPermissionResourceRef,
          permissions: [environmentsPromotionCreatePermission],
          rules: Object.values(environmentsPromotionRules),
          getResources: refs => loadPromotionResources(refs, { catalog, auth }),
        });

        const policies = readEnvironmentPolicies(config);
        const refreshIntervalMs = config.has('environments.refreshInterval')
          ? durationToMilliseconds(
              readDurationFromConfig(config, {
                key: 'environments.refreshInterval',
              }),
            )
          : 15_000;
        const authorizePromotions = createPromotionAuthorizer({
          permissions,
          permissionsRegistry,
        });
        // Open pages refetch when an entity's matrix or promotions change.
        const entitySignals = createEntitySignals({ signals, logger });
        const store = signalingPromotionStore(
          await DatabasePromotionStore.create({ database }),
          entityRef => entitySignals.changed(entityRef),
        );
        const liveState = createLiveStateReader({ config, logger });
        lifecycle.addShutdownHook(() => liveState.close());
        // One instance per repository, shared: its writes are serialised in the instance.
        const repositories = readGitRepositories({ config, logger });
        const github = GithubRepositories.fromConfig(config, { logger });
        const matrix = createMatrixService({
          catalog,
          permissions,
          repositories,
          github,
          liveState,
          authorizePromotions,
          policies,
          cache,
          cacheTtlMs: 4 * refreshIntervalMs,
          environmentAliases: readEnvironmentAliases(config),
          ownCredentials: () => auth.getOwnServiceCredentials(),
          onChange: entityRef => entitySignals.changed(entityRef),
          openPromotions: async entityRef =>
            (await store.list({ entityRef, limit: 20 }))
              .filter(p => isOpenPromotionState(p.state))
              .map(p => ({
                id: p.id,
                from: p.from,
                to: p.to,
                state: p.state,
                requestedBy: p.requestedBy,
                createdAt: p.createdAt,
                ...(p.pullRequest && {
                  pullRequest: {
                    number: p.pullRequest.number,
                    url: p.pullRequest.url,
                  },
                }),
              })),
          logger,
        });

        // One replica at a time computes every matrix into the cache (shared through Redis in
        // production), so requests on any replica, however many, cost the clusters nothing.
        await scheduler.scheduleTask({
          id: 'environments-matrix-refresh',
          frequency: { milliseconds: refreshIntervalMs },
          timeout: { minutes: 10 },
          initialDelay: { seconds: 10 },
          scope: 'global',
          fn: async () => {
            const { refreshed } = await matrix.refreshAll();
            logger.debug(`Refreshed the environments of ${refreshed} entities`);
          },
        });

        const promotionConfig = config.getOptionalConfig(
          'environments.promotions',
        );
        const promotions = createPromotionService({
          matrix,
          store,
          catalog,
          auth,
          permissions,
          authorizePromotions,
          policies,
          notifications,
          logger,
          appBaseUrl: config.getOptionalString('app.baseUrl'),
          syncTimeoutMs: promotionConfig?.has('syncTimeout')
            ? durationToMilliseconds(
                readDurationFromConfig(promotionConfig, { key: 'syncTimeout' }),
              )
            : undefined,
          // Plain-git repositories from config; GitHub ones as the matrices come to read them.
          repositories: () => [...repositories.values(), ...github.all()],
          leaseMs: promotionConfig?.has('leaseTimeout')
            ? durationToMilliseconds(
                readDurationFromConfig(promotionConfig, {
                  key: 'leaseTimeout',
                }),
              )
            : undefined,
        });

        // After a restart, records whose Git operation was interrupted are checked against Git
        // (once their lease expires; the tracker below keeps doing it). Branches without a record
        // are looked for by the scheduled reconciliation, which reads every repository.
        lifecycle.addStartupHook(() => {
          promotions
            .reconcile({ adoptBranches: false })
            .catch(error =>
              logger.warn(
                `Reconciling promotions with Git failed: ${
                  (error as Error).message
                }`,
              ),
            );
        });

        // One replica at a time checks records against Git and adopts branches without one.
        await scheduler.scheduleTask({
          id: 'environments-promotion-reconcile',
          frequency: promotionConfig?.has('reconcileInterval')
            ? readDurationFromConfig(promotionConfig, {
                key: 'reconcileInterval',
              })
            : { minutes: 1 },
          timeout: { minutes: 2 },
          initialDelay: { seconds: 15 },
          scope: 'global',
          fn: async () => {
            const { reconciled, adopted } = await promotions.reconcile();
            logger.debug(
              `Reconciled ${reconciled} promotions with Git, adopted ${adopted}`,
            );
          },
        });

        // One replica at a time follows the open promotions: their pull requests, then the clusters.
        await scheduler.scheduleTask({
          id: 'environments-promotion-tracker',
          frequency: promotionConfig?.has('trackingInterval')
            ? readDurationFromConfig(promotionConfig, {
                key: 'trackingInterval',
              })
            : { seconds: 10 },
          // Short: a replica killed mid-run holds the task's lock until it times out.
          timeout: promotionConfig?.has('trackingTimeout')
            ? readDurationFromConfig(promotionConfig, {
                key: 'trackingTimeout',
              })
            : { minutes: 1 },
          initialDelay: { seconds: 5 },
          scope: 'global',
          fn: () => promotions.track(),
        });

        const newEnvironments = createNewEnvironmentService({
          matrix,
          catalog,
          auth,
          authorizePromotions,
          appBaseUrl: config.getOptionalString('app.baseUrl'),
        });

        registerEnvironmentsActions({ actionsRegistry, matrix, promotions });

        httpRouter.use(
          await createRouter({
            httpAuth,
            auditor,
            matrix,
            promotions,
            newEnvironments,
            logger,
          }),
        );
      },
    });
  },
});
