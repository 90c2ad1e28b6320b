import type { AugmentConfig } from "../augment/mod.ts";
import type { NetConfig } from "../model/mod.ts";
import type { ValueOfSpec } from "../params/mod.ts";
import type { SchemaEntry } from "./schema.ts";

/** The first segment of a dotted path ("model" of "model.width"). */
type Head<S extends string> = S extends `${infer H}.${string}` ? H : S;
/** An entry whose path loses its first segment (model.width -> width), for the nested object below. */
type Rebased<E> = E extends { path: `${string}.${infer T}` } ? Omit<E, "path"> & { path: T } : never;

/** The object that a set of entries describes: one field per first path segment, nested for dotted paths. */
type ConfigOf<E extends { path: string }> = {
  -readonly [K in Head<E["path"]>]: Extract<E, { path: K }> extends never
    ? ConfigOf<Rebased<Extract<E, { path: `${K}.${string}` }>>>
    : ValueOfSpec<Extract<E, { path: K }>>;
};

/**
 * Every hyperparameter of a training run, derived from the schema (`CONFIG_SCHEMA`: each field's help, range,
 * default and source are written there, once).
 */
export type TrainConfig = ConfigOf<SchemaEntry>;

/** Compile-time proof that `A` and `B` are the same type (an error here means the schema and a folder disagree). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesTheFolders: [
  Same<TrainConfig["model"], NetConfig>,
  Same<TrainConfig["augment"], AugmentConfig>,
] = [true, true];
void schemaMatchesTheFolders;
