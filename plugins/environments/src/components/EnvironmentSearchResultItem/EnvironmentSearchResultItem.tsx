import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import { Flex, Link, Text } from '@backstage/ui';
import { ReactNode } from 'react';

/** The search document type that `@stagecraft/plugin-search-backend-module-environments` indexes. */
export const ENVIRONMENTS_SEARCH_TYPE = 'environments';

/**
 * A search document as the search page hands it over: the common fields, and those of an
 * environments document (`EnvironmentDocument` of the search module) when present. Any
 * `SearchDocument` fits.
 *
 * @public
 */
export type EnvironmentSearchResultDocument = {
  title: string;
  text: string;
  location: string;
  entityRef?: string;
  environment?: string;
  /** The version's tags (or short digests), comma-separated; empty when nothing is pinned. */
  version?: string;
  health?: string;
  owner?: string;
};

/**
 * Where the search engine marked the matched terms.
 *
 * @public
 */
export type EnvironmentSearchResultHighlight = {
  preTag: string;
  postTag: string;
  fields: { [field: string]: string };
};

/** @public */
export type EnvironmentSearchResultItemProps = {
  result?: EnvironmentSearchResultDocument;
  highlight?: EnvironmentSearchResultHighlight;
  rank?: number;
  icon?: ReactNode;
};

/** True for a result of the environments collator, whatever else the search page holds. */
export function isEnvironmentSearchResult(result: { type: string }): boolean {
  return result.type === ENVIRONMENTS_SEARCH_TYPE;
}

// As the environment matrix colours health.
const healthColor: Record<string, 'success' | 'danger' | 'warning' | 'info'> = {
  Healthy: 'success',
  Degraded: 'danger',
  Missing: 'warning',
  Progressing: 'info',
  Suspended: 'info',
};

// The search engine returns what was indexed: trust only strings.
function field(
  result: EnvironmentSearchResultDocument,
  name: 'version' | 'health' | 'owner',
): string | undefined {
  const value: unknown = result[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The clusters and namespaces the document's text names ("Cluster/namespace: a/b, c/d."): the
 * document carries them only there.
 */
export function placesOf(text: string): string[] {
  const match = /Cluster\/namespace: (.+?)\.(?: |$)/.exec(text);
  return match ? match[1].split(', ').filter(Boolean) : [];
}

function ownerLabel(owner: string): string {
  try {
    return humanizeEntityRef(parseEntityRef(owner), { defaultKind: 'group' });
  } catch {
    return owner;
  }
}

/** Text with the search engine's marks as `<mark>`; plain text without them. */
function Highlighted({
  text,
  preTag,
  postTag,
}: {
  text: string;
  preTag?: string;
  postTag?: string;
}) {
  if (!preTag || !postTag || !text.includes(preTag)) {
    return <>{text}</>;
  }
  return (
    <>
      {text.split(preTag).map((part, index) => {
        if (index === 0) return part;
        const end = part.indexOf(postTag);
        if (end < 0) return part;
        return [
          <mark key={`m${index}`}>{part.slice(0, end)}</mark>,
          part.slice(end + postTag.length),
        ];
      })}
    </>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div style={{ display: 'flex', gap: '0.25rem', alignItems: 'baseline' }}>
      <dt>
        <Text variant="body-small" color="secondary">
          {label}
        </Text>
      </dt>
      <dd style={{ margin: 0 }}>{children}</dd>
    </div>
  );
}

/**
 * A search result for one entity in one environment: its title links to the entity's
 * Environments tab on that environment, with the version, health, clusters/namespaces and owner.
 * It renders the content only; the search page's list item around it tracks the click.
 *
 * @public
 */
export function EnvironmentSearchResultItem({
  result,
  highlight,
  icon,
}: EnvironmentSearchResultItemProps) {
  if (!result) return null;
  const version = field(result, 'version');
  const health = field(result, 'health');
  const owner = field(result, 'owner');
  const places = placesOf(result.text);
  const tags = highlight && {
    preTag: highlight.preTag,
    postTag: highlight.postTag,
  };
  const matchedText = highlight?.fields.text;

  return (
    <Flex direction="column" gap="1">
      <Flex align="center" gap="2">
        {icon}
        <Link href={result.location} weight="bold">
          <Highlighted
            text={highlight?.fields.title ?? result.title}
            {...tags}
          />
        </Link>
      </Flex>
      <dl
        style={{
          display: 'flex',
          flexWrap: 'wrap',
          columnGap: '1rem',
          rowGap: '0.25rem',
          margin: 0,
        }}
      >
        {version !== undefined && (
          <Detail label="Version">
            <Text variant="body-small">{version || 'no pinned image'}</Text>
          </Detail>
        )}
        {health && (
          <Detail label="Health">
            <Text
              variant="body-small"
              color={healthColor[health] ?? 'secondary'}
            >
              {health}
            </Text>
          </Detail>
        )}
        {places.length > 0 && (
          <Detail label="Cluster/namespace">
            <Text variant="body-small">{places.join(', ')}</Text>
          </Detail>
        )}
        {owner && (
          <Detail label="Owner">
            <Text variant="body-small" title={owner}>
              {ownerLabel(owner)}
            </Text>
          </Detail>
        )}
      </dl>
      {matchedText && (
        <Text variant="body-small" color="secondary">
          <Highlighted text={matchedText} {...tags} />
        </Text>
      )}
    </Flex>
  );
}
