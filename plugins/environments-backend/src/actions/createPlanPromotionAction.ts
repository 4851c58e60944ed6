import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { entityRefInput, parseEntityRefInput } from './entityRefInput';
import { PromotionService } from '../services/PromotionService';

/**
 * `environments:plan-promotion`: the dry run of promoting an entity's version from one
 * environment to another — the changes, the diffs, the gates and whether the caller may carry it
 * out. Writes nothing; carrying it out stays with people (the portal, the API, the scaffolder).
 */
export function createPlanPromotionAction(options: {
  actionsRegistry: ActionsRegistryService;
  promotions: PromotionService;
}) {
  const { actionsRegistry, promotions } = options;
  actionsRegistry.register({
    name: 'plan-promotion',
    title: 'Plan a promotion',
    description:
      'Plans (without writing anything) moving the version of a catalog entity from one environment to another through its GitOps repository: the image versions that change, the file diffs, each gate with its reason, the method (pull request or direct commit), and whether the caller may carry it out.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefInput(z),
          from: z
            .string()
            .min(1)
            .max(63)
            .describe('The source environment, e.g. staging'),
          to: z
            .string()
            .min(1)
            .max(63)
            .describe('The target environment, e.g. prod'),
        }),
      output: z =>
        z.object({
          planId: z.string(),
          executable: z.boolean(),
          method: z.string(),
          changes: z.array(z.string()),
          gates: z.array(
            z.object({
              gate: z.string(),
              passed: z.boolean(),
              reason: z.string(),
            }),
          ),
          permission: z.string(),
          diff: z.string(),
        }),
    },
    examples: [
      {
        title: 'Plan promoting catalogue from staging to prod',
        input: {
          entityRef: 'component:default/catalogue',
          from: 'staging',
          to: 'prod',
        },
      },
    ],
    action: async ({ input, credentials }) => {
      const ref = parseEntityRefInput(input.entityRef);
      const plan = await promotions.plan(
        ref,
        { from: input.from, to: input.to },
        { credentials },
      );
      return {
        output: {
          planId: plan.planId,
          executable: plan.executable,
          method: plan.method,
          changes: plan.changes.map(
            c =>
              `${c.workload} ${c.container}: ${
                c.from.tag ?? c.from.digest ?? '(none)'
              } -> ${c.to.tag ?? c.to.digest ?? '(none)'} (${
                c.provenance.file
              }:${c.provenance.line ?? '?'})`,
          ),
          gates: plan.gates.map(g => ({
            gate: g.gate,
            passed: g.passed,
            reason: g.reason,
          })),
          permission: plan.permission.allowed
            ? 'allowed'
            : plan.permission.reason ?? 'refused',
          diff: plan.files.map(f => f.diff).join('\n'),
        },
      };
    },
  });
}
