// dcskit for Node.js. The per-operation types come from generated/operations.d.ts (generated
// from the spec); this file declares the hand-written surface around them.
import type {
  Operations,
  OperationName,
  OperationTypes,
  PaginatedOperationName,
  PaginatedOperations,
  WaiterName,
  Waiters,
} from './generated/operations';

export * from './generated/operations';

export interface Credentials {
  /** Access key (with `sk`). */
  ak?: string;
  /** Secret key (with `ak`); never logged. */
  sk?: string;
  /** For temporary credentials (with `ak`/`sk`). */
  securityToken?: string;
  /** An IAM token sent as `X-Auth-Token` (instead of `ak`/`sk`). */
  token?: string;
}

export interface Timeouts {
  connectMs?: number;
  readMs?: number;
  totalMs?: number;
}

export interface Retries {
  /** Attempts after the first; 0 disables retries. */
  maxRetries?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Re-send POST/PATCH too (off by default). */
  retryNonIdempotent?: boolean;
  /** Upper bound of the time spent sleeping between attempts of one call. */
  budgetMs?: number;
}

export interface ClientOptions {
  /** `cn-north-4` → `https://dcs.cn-north-4.myhuaweicloud.com`; any region name is accepted. */
  region?: string;
  /** A full endpoint URL; wins over `region`. */
  endpoint?: string;
  /** Default: `CLOUD_SDK_PROJECT_ID`. */
  projectId?: string;
  /** Default: `CLOUD_SDK_AK` / `CLOUD_SDK_SK` (+ `CLOUD_SDK_SECURITY_TOKEN`) or `CLOUD_SDK_AUTH_TOKEN`. */
  credentials?: Credentials;
  timeouts?: Timeouts;
  /** A number is `maxRetries`. */
  retries?: number | Retries;
  /** Proxy URL; otherwise `HTTPS_PROXY` / `NO_PROXY` apply. */
  proxy?: string;
  /** Path of an extra PEM CA bundle to trust. */
  caBundle?: string;
  /** Turns TLS verification off. Never the default. */
  insecureSkipTlsVerify?: boolean;
}

export interface WaitOptions {
  /** Default 30 minutes. */
  timeoutMs?: number;
  /** Default 10 seconds. */
  intervalMs?: number;
}

/** The DCS client: one camelCase method per operation (see `Operations`). */
export declare class Client extends Operations {
  constructor(options?: ClientOptions);
  /** The endpoint requests go to. */
  readonly endpoint: string;
  /** Calls an operation by official or camelCase name. */
  call<K extends OperationName>(operation: K, input?: OperationTypes[K]['input']): Promise<OperationTypes[K]['output']>;
  /** Calls an operation known only at run time. */
  call(operation: string, input?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Every item of a list operation, fetching pages as needed. */
  paginate<K extends PaginatedOperationName>(
    operation: K,
    input?: PaginatedOperations[K]['input'],
  ): AsyncGenerator<PaginatedOperations[K]['item'], void, undefined>;
  /** Every response page of a list operation. */
  paginatePages<K extends PaginatedOperationName>(
    operation: K,
    input?: PaginatedOperations[K]['input'],
  ): AsyncGenerator<PaginatedOperations[K]['page'], void, undefined>;
  /** Polls until the waiter's condition holds; resolves to the last response. */
  wait<K extends WaiterName>(waiter: K, input: Waiters[K]['input'], options?: WaitOptions): Promise<Waiters[K]['output']>;
}

export interface AnalyzeProgress {
  bytesRead: number;
  /** When known (files, HTTP with Content-Length). */
  totalBytes?: number;
  keys: number;
}

export interface AnalyzeOptions {
  /** How many of the largest keys to keep (default 100). */
  top?: number;
  /** How many prefixes per type to keep (default 50). */
  prefixTop?: number;
  /** Characters that split a key into prefix segments (default ":"). */
  delimiters?: string;
  /** Called a few times per second from the analysis. */
  onProgress?: (progress: AnalyzeProgress) => void;
  /** Aborting it stops the analysis with a `CancelledError`. */
  signal?: AbortSignal;
}

/** The DCS offline key analysis report (`ShowOfflineKeyAnalysisTask` fields) plus extras. */
export interface AnalysisReport {
  total_bytes: number;
  total_num: number;
  type_bytes: Array<Record<string, unknown>>;
  type_num: Array<Record<string, unknown>>;
  largest_keys: Array<Record<string, unknown>>;
  largest_key_prefixes: Array<Record<string, unknown>>;
  [extra: string]: unknown;
}

/** Analyzes an RDB file (path, .gz, tar, or http(s) URL) without blocking the event loop. */
export declare function analyze(pathOrUrl: string | URL, options?: AnalyzeOptions): Promise<AnalysisReport>;

/** The id of the core's one tokio runtime. */
export declare function runtimeId(): string;
/** The version of the Rust core. */
export declare const coreVersion: string;

export type ErrorCode =
  | 'INVALID_INPUT'
  | 'CREDENTIALS'
  | 'CONNECTION'
  | 'TLS'
  | 'TIMEOUT'
  | 'THROTTLED'
  | 'CLIENT_REQUEST'
  | 'SERVER_RESPONSE'
  | 'DECODE'
  | 'ANALYSIS'
  | 'IO'
  | 'CANCELLED'
  | 'INTERNAL';

/** Every dcskit failure. `code` is the core's stable code. */
export declare class DcsError extends Error {
  constructor(message: string, details?: Record<string, unknown>);
  readonly code: ErrorCode;
  /** The offending parameter, for INVALID_INPUT. */
  readonly param?: string;
}
/** An HTTP error answer of the service. */
export declare class ServiceError extends DcsError {
  readonly statusCode: number | null;
  readonly errorCode: string | null;
  readonly errorMsg: string | null;
  readonly requestId: string | null;
}
/** 4xx other than 429. */
export declare class ClientRequestError extends ServiceError {}
/** 5xx. */
export declare class ServerResponseError extends ServiceError {}
/** 429. */
export declare class ThrottledError extends ServiceError {
  /** Seconds from `Retry-After`. */
  readonly retryAfter: number | null;
}
export declare class InvalidInputError extends DcsError {}
export declare class CredentialsError extends DcsError {}
export declare class ConnectionError extends DcsError {}
export declare class TlsError extends ConnectionError {}
export declare class TimeoutError extends DcsError {}
export declare class DecodeError extends DcsError {}
export declare class AnalysisError extends DcsError {
  /** Byte offset in the input where the analysis failed. */
  readonly offset: number | null;
  readonly partialReport?: AnalysisReport;
}
export declare class IoError extends DcsError {}
export declare class CancelledError extends DcsError {}
export declare class InternalError extends DcsError {}
export declare const ERROR_CLASSES: Readonly<Record<ErrorCode, typeof DcsError>>;
