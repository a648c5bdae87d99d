import { IConstruct } from 'constructs';
import { COMPONENT_IMAGES } from './component-images';
import { HelmChartSource } from './helm-component';

/** Where the platform's Helm components come from inside a scope, for a cluster that must not reach the internet. */
export interface ComponentSourcingSettings {
  /** OCI registry holding the mirrored charts (`chartMirrorRegistry`). @default - each chart's public repository */
  readonly chartMirror?: string;
  /** Where an upstream image (`host/path`) is pulled from instead (`cachedImage`). @default - upstream */
  readonly image?: (upstreamImage: string) => string;
}

const settings = new WeakMap<IConstruct, ComponentSourcingSettings>();

/**
 * Sets, for every Helm component created below a scope, where its chart and images come from: one setting on the
 * cluster stack covers every component, including those a construct adds deep inside (as `Tags.of` or
 * `PropertyInjectors.of` do). Set it before creating the components.
 */
export class ComponentSourcing {
  static apply(scope: IConstruct, sourcing: ComponentSourcingSettings): void {
    settings.set(scope, sourcing);
  }

  /** The setting of the nearest scope that has one. */
  static of(construct: IConstruct): ComponentSourcingSettings {
    const scope = construct.node.scopes.reverse().find((s) => settings.has(s));
    return scope ? settings.get(scope)! : {};
  }

  /** A chart's source and values under the scope's setting. */
  static resolve(
    construct: IConstruct,
    source: HelmChartSource,
    values: Record<string, unknown> | undefined,
  ): { readonly source: HelmChartSource; readonly values?: Record<string, unknown> } {
    const sourcing = ComponentSourcing.of(construct);
    if (sourcing.image === undefined) return { source: chartSourceIn(source, sourcing.chartMirror), values };
    const images = COMPONENT_IMAGES[source.chart];
    if (!images) {
      throw new Error(
        `chart ${source.chart} is not in COMPONENT_IMAGES: list its images and the values that relocate them in lib/constructs/component-images.ts`,
      );
    }
    return { source: chartSourceIn(source, sourcing.chartMirror), values: mergeValues(values ?? {}, images.values(sourcing.image)) };
  }
}

/** Helm's own merge of values: objects merge key by key, anything else from `over` replaces. */
function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeValues(current, value) : value;
  }
  return merged;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Where the cluster installs a chart from: its public repository, or its copy in the mirror when one is given. */
export function chartSourceIn(source: HelmChartSource, mirrorRegistry: string | undefined): HelmChartSource {
  return mirrorRegistry === undefined ? source : { ...source, repository: `${mirrorRegistry}/${source.chart}` };
}
