// A registry of config variants told apart by their `kind` field (model kinds, trainer kinds),
// with a zod schema that validates an entry by the schema its kind registered, so a kind added
// at run time by a library user is checked with the same `file:line field` errors as ours.
import { z } from 'zod';

/** What a kind registers: at least the schema of its config entry. */
export interface KindEntry {
  readonly schema: z.ZodType;
}

/** Kinds by name; `schema()` validates any entry whose kind is registered when it is parsed. */
export class KindRegistry<E extends KindEntry> {
  private readonly entries = new Map<string, E>();

  /** `what` names the entries in errors, e.g. `model kind`. */
  constructor(readonly what: string) {}

  /** Registers (or replaces) `kind`. */
  register(kind: string, entry: E): void {
    this.entries.set(kind, entry);
  }

  get(kind: string): E | undefined {
    return this.entries.get(kind);
  }

  kinds(): string[] {
    return [...this.entries.keys()];
  }

  /** A schema for one entry: `{kind, ...}` checked by the kind's own schema. */
  schema(): z.ZodType<{ kind: string } & Record<string, unknown>> {
    return dispatchSchema((value, ctx) => {
      const kind = value.kind;
      if (typeof kind !== 'string') {
        ctx.addIssue({
          code: 'custom',
          message: `needs a "kind" (${this.kinds().join(', ')})`,
          path: ['kind'],
        });
        return undefined;
      }
      const entry = this.entries.get(kind);
      if (!entry) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown ${this.what} "${kind}" (known: ${this.kinds().join(', ')})`,
          path: ['kind'],
        });
      }
      return entry?.schema;
    }) as z.ZodType<{ kind: string } & Record<string, unknown>>;
  }
}

type Ctx = {
  addIssue(issue: { code: 'custom'; message: string; path?: (string | number)[] }): void;
};

/**
 * A schema for an object whose shape depends on its content: `pick` chooses the schema for the
 * value (or reports why there is none), whose issues then surface with their own paths, unknown
 * keys as `unknown field` at the key itself.
 */
export function dispatchSchema(
  pick: (value: Record<string, unknown>, ctx: Ctx) => z.ZodType | undefined,
): z.ZodType {
  return z
    .record(z.string(), z.unknown(), { error: 'must be a JSON object' })
    .transform((value, ctx) => {
      const schema = pick(value, ctx as unknown as Ctx);
      if (!schema) return z.NEVER;
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
      for (const issue of parsed.error.issues) {
        const path = [...issue.path] as (string | number)[];
        const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
        ctx.addIssue({
          code: 'custom',
          message: unknownKey ? 'unknown field' : issue.message,
          path: unknownKey ? [...path, unknownKey] : path,
        });
      }
      return z.NEVER;
    });
}
