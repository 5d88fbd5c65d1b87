/**
 * What one setting is: its environment key, its yup schema, its default, its description and
 * the .env.example / README section it is listed under. lib/config/settings.ts declares every
 * setting once with these; the schema, the `Config` type, the env → Config mapping and the
 * documentation are all derived from that one declaration.
 */
import * as yup from 'yup';

export const sections = [
  'Process',
  'Storage',
  'Auth',
  'SMS',
  'Orders',
  'Dispatch engine',
  'Realtime',
  'HTTP edge and security',
  'Operations',
  'Dispatcher console',
] as const;
export type Section = (typeof sections)[number];

export interface SettingOptions<Raw, Value> {
  /** The value .env.example and the README show when it is not the default (a demo value). */
  example?: Raw;
  /** A credential: documented, never logged; the README marks it. */
  secret?: boolean;
  /** NODE_ENV=production refuses to start without it (the default then applies elsewhere). */
  requiredInProduction?: boolean;
  /** The default under NODE_ENV=production, when it differs. */
  productionDefault?: Raw;
  /** Turns the validated raw value into the config value; pushes a line per problem. */
  toValue?: (raw: Raw, problems: string[]) => Value;
}

/** One environment setting; `Value` is what the `Config` property holding it has as type. */
export class Setting<Raw = unknown, Value = Raw> {
  declare readonly valueType: Value;
  constructor(
    readonly env: string,
    readonly schema: yup.Schema<Raw | undefined>,
    readonly defaultValue: Raw,
    readonly description: string,
    readonly section: Section,
    readonly options: SettingOptions<Raw, Value> = {},
  ) {}

  /** The schema with its default applied (per NODE_ENV where the declaration asks for it). */
  validator(): yup.Schema<unknown> {
    const base = this.schema as yup.Schema<unknown>;
    const { requiredInProduction, productionDefault } = this.options;
    if (requiredInProduction || productionDefault !== undefined) {
      return base.when('NODE_ENV', {
        is: 'production',
        then: (schema: yup.Schema<unknown>) =>
          (requiredInProduction
            ? schema.required()
            : schema.default(productionDefault)) as yup.Schema<unknown>,
        otherwise: (schema: yup.Schema<unknown>) =>
          schema.default(this.defaultValue) as yup.Schema<unknown>,
      });
    }
    return base.default(this.defaultValue) as yup.Schema<unknown>;
  }

  value(raw: Raw, problems: string[]): Value {
    return this.options.toValue ? this.options.toValue(raw, problems) : (raw as unknown as Value);
  }
}

/** What the derivations read of a setting, whatever its types. */
export interface AnySetting {
  readonly env: string;
  readonly defaultValue: unknown;
  readonly description: string;
  readonly section: Section;
  readonly options: { example?: unknown; secret?: boolean; productionDefault?: unknown };
  validator(): yup.Schema<unknown>;
  value(raw: never, problems: string[]): unknown;
}

/** A tree of settings shaped like the `Config` it maps to. */
export interface SettingTree {
  readonly [key: string]: AnySetting | SettingTree;
}

/** The `Config` shape of a settings tree: each setting replaced by its value type. */
export type ValuesOf<T> = {
  -readonly [K in keyof T]: T[K] extends { readonly valueType: infer V } ? V : ValuesOf<T[K]>;
};

/**
 * Declares settings of one section: `section('PORT', schema, 3000, 'what it is')`. The raw
 * type comes from the schema (a yup string/number/boolean, `oneOf` narrowing it).
 */
export function inSection(section: Section) {
  return function setting<S extends yup.Schema, Value = NonNullable<yup.InferType<S>>>(
    env: string,
    schema: S,
    defaultValue: NonNullable<yup.InferType<S>>,
    description: string,
    options: SettingOptions<NonNullable<yup.InferType<S>>, Value> = {},
  ): Setting<NonNullable<yup.InferType<S>>, Value> {
    return new Setting(
      env,
      schema as yup.Schema<NonNullable<yup.InferType<S>> | undefined>,
      defaultValue,
      description,
      section,
      options,
    );
  };
}

const isSetting = (node: AnySetting | SettingTree): node is AnySetting => node instanceof Setting;

/** Every setting of a tree, in declaration order. */
export function flatten(tree: SettingTree): AnySetting[] {
  return Object.values(tree).flatMap((node) => (isSetting(node) ? [node] : flatten(node)));
}

/** Maps validated raw values (by env key) onto the tree's shape. */
export function mapValues<T extends SettingTree>(
  tree: T,
  raw: Record<string, unknown>,
  problems: string[],
): ValuesOf<T> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(tree)) {
    out[key] = isSetting(node)
      ? node.value(raw[node.env] as never, problems)
      : mapValues(node, raw, problems);
  }
  return out as ValuesOf<T>;
}

/** "true"/"1" and "false"/"0" as booleans (yup's own boolean takes only true/false). */
export const bool = () =>
  yup
    .boolean()
    .transform((_value: unknown, original: unknown) =>
      original === 'true' || original === '1'
        ? true
        : original === 'false' || original === '0'
          ? false
          : original,
    );

export const commaList = (value: unknown): string[] =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0)
    : [];

/** One of these strings (a plain `oneOf` in an argument loses the literal types). */
export const choice = <const T extends string>(...values: T[]) => yup.string().oneOf(values);

export const int = (min: number, max?: number) => {
  const schema = yup.number().integer().min(min);
  return max === undefined ? schema : schema.max(max);
};
export const port = () => int(0, 65535);

/** `host:port,…` as nodes (null when empty), one problem line per entry that is not host:port. */
export function parseHostPorts(
  env: string,
): (raw: string, problems: string[]) => { host: string; port: number }[] | null {
  return (raw, problems) => {
    const entries = commaList(raw);
    if (entries.length === 0) return null;
    return entries.map((entry) => {
      const match = /^(.+):(\d{1,5})$/.exec(entry);
      const port = Number(match?.[2]);
      if (!match || port < 1 || port > 65535) {
        problems.push(`${env}: "${entry}" is not host:port`);
      }
      return { host: match?.[1] ?? entry, port };
    });
  };
}
