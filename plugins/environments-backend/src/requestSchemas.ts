import { z } from 'zod/v3';

/*
 * The grammar of every field the routes accept. Each string is refused before use when it holds
 * characters it cannot need: control characters (a newline in a namespace would reach a YAML
 * file and a commit message), and bidirectional overrides or line separators that make text
 * read differently than it is.
 */

/** Control characters except tab and newline; bidi embeddings, overrides and isolates; U+2028/9. */
const UNSAFE_CHARACTERS =
  // eslint-disable-next-line no-control-regex
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Half of a UTF-16 surrogate pair without the other half. */
const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_RULE =
  "must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit";

// RFC 1123 host names (lowercase, as Kubernetes wants them), with an Ingress wildcard first label.
const HOST_NAME =
  /^(\*\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

// Kubernetes quantities (k8s.io/apimachinery resource.Quantity), not negative: 250m, 1.5, 512Mi, 1e3.
const QUANTITY =
  /^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

/** Kind, namespace and name as the catalog allows them (letters, digits, '-', '_', '.'). */
const catalogName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    "must be a catalog name: letters, digits, '.', '_' and '-'",
  );

/** An entity ref such as `component:default/catalogue` or `group:team-a`. */
const entityRefText = z
  .string()
  .min(1)
  .max(512)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
    "must be an entity ref: letters, digits, '.', '_', '-', ':' and '/'",
  );

/** An existing environment's name, as GitOps layouts name them (`prod`, `prod-eu`, `qa_1`). */
const environmentName = z
  .string()
  .min(1)
  .max(63)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    "must be an environment name: letters, digits, '.', '_' and '-'",
  );

/** A name for a new environment, which becomes folders, files and Kubernetes names. */
const newEnvironmentName = z
  .string()
  .min(1)
  .max(63)
  .regex(DNS_LABEL, DNS_LABEL_RULE);

/** Printable ASCII without spaces: opaque tokens such as cursors and idempotency keys. */
const token = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/**
 * Free text a person wrote, with tab and newline; a Windows line end counts as a newline.
 * Refuses control characters, bidirectional overrides and broken UTF-16.
 */
const text = (max: number) =>
  z.preprocess(
    value => (typeof value === 'string' ? value.replace(/\r\n/g, '\n') : value),
    z
      .string()
      .max(max)
      .refine(
        value => !UNSAFE_CHARACTERS.test(value),
        'must not contain control characters other than tab and newline, nor bidirectional overrides',
      )
      .refine(
        value => !LONE_SURROGATE.test(value),
        'must be well-formed Unicode',
      ),
  );

const quantity = z
  .string()
  .min(1)
  .max(32)
  .regex(
    QUANTITY,
    "must be a Kubernetes quantity such as '250m', '1.5' or '512Mi'",
  );

export const entityParams = z.object({
  kind: catalogName,
  namespace: catalogName,
  name: catalogName,
});

export const portfolioQuery = z
  .object({
    owner: entityRefText.optional(),
    system: entityRefText.optional(),
    kind: catalogName.optional(),
    cursor: token(4096).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  })
  .strict();

export const historyQuery = z
  .object({ environment: environmentName.optional() })
  .strict();

export const promotionParams = z.object({
  id: z.string().uuid('must be a UUID'),
});

/** A client's retry token: printable ASCII, as the IETF Idempotency-Key draft has it. */
export const idempotencyKey = token(255).optional();

const imageVersion = z
  .object({
    application: catalogName,
    container: catalogName,
    image: z
      .string()
      .min(1)
      .max(512)
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._/:-]*$/,
        "must be an image repository: letters, digits, '.', '_', '-', ':' and '/'",
      )
      .nullable()
      .default(null),
    tag: z
      .string()
      .max(128)
      .regex(
        /^[A-Za-z0-9_][A-Za-z0-9._-]*$/,
        "must be an image tag: letters, digits, '.', '_' and '-'",
      )
      .nullable(),
    digest: z
      .string()
      .max(256)
      .regex(
        /^[a-z0-9]+([.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]+$/,
        "must be a digest such as 'sha256:…'",
      )
      .nullable(),
  })
  .strict();

export const promotionRequest = z
  .object({
    from: environmentName,
    to: environmentName,
    version: z
      .object({ images: z.array(imageVersion).min(1).max(100) })
      .strict()
      .optional(),
    dryRun: z.boolean().optional(),
    note: text(2000).optional(),
    planId: z
      .string()
      .regex(/^plan-[0-9a-f]{32}$/, "must be a dry run's planId")
      .optional(),
  })
  .strict();

const quantities = z
  .object({ cpu: quantity.optional(), memory: quantity.optional() })
  .strict();

export const newEnvironmentRequest = z
  .object({
    entityRef: entityRefText,
    name: newEnvironmentName,
    from: environmentName,
    namespace: z
      .string()
      .min(1)
      .max(63)
      .regex(DNS_LABEL, DNS_LABEL_RULE)
      .optional(),
    replicas: z.number().int().min(0).max(1000).optional(),
    resources: z
      .object({
        requests: quantities.optional(),
        limits: quantities.optional(),
      })
      .strict()
      .optional(),
    host: z
      .string()
      .min(1)
      .max(253)
      .regex(
        HOST_NAME,
        "must be a host name (RFC 1123): lowercase letters, digits, '-' and '.'",
      )
      .optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();
