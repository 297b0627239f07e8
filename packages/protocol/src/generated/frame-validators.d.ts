// Generated from the TypeBox schemas in src/schema.ts by `pnpm schema`. Do not edit.
// A test fails while this file is out of date.
import type { ValidateFunction } from 'ajv';

export declare const validate_public: ValidateFunction;
export declare const validate_private: ValidateFunction;
export declare const validate_group: ValidateFunction;
export declare const validate_any: ValidateFunction;
export declare const validate_request: ValidateFunction;
export declare const validate_reply: ValidateFunction;
export declare const validate_kill: ValidateFunction;
export declare const validate_confirmation: ValidateFunction;
export declare const validate_register: ValidateFunction;
export declare const validate_deregister: ValidateFunction;
export declare const validate_heartbeat: ValidateFunction;
export declare const validate_clusterInfoRequest: ValidateFunction;
export declare const validate_clusterInfoReply: ValidateFunction;
export declare const validate_announce: ValidateFunction;
export declare const validate_membership: ValidateFunction;
export declare const validate_statusRequest: ValidateFunction;
export declare const validate_statusReply: ValidateFunction;
export declare const validate_command: ValidateFunction;
export declare const validate_commandReply: ValidateFunction;
export declare const validate_batch: ValidateFunction;
