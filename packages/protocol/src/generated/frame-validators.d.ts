// Generated from the TypeBox schemas in src/schema.ts by `pnpm schema`. Do not edit.
// A test fails while this file is out of date.
import type { ValidateFunction } from 'ajv';

/** The frame kinds this generated code has a validator for. */
export declare const kinds: readonly string[];
/** Loads (on first call; require caches it) the validator of one frame kind; undefined for an unknown kind. */
export declare function loadValidator(kind: string): ValidateFunction | undefined;
