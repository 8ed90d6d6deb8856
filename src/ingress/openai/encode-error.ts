import type { GatewayError } from "../../errors/gateway-error.js";

/** OpenAI's error envelope, as clients and the official SDKs read it. */
export interface OpenAIErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: string | null;
    readonly code: string;
  };
}

/**
 * A GatewayError → `{error:{message,type,param,code}}`; `code` is the gateway's stable code.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function encodeError(error: GatewayError): OpenAIErrorBody {
  return {
    error: { message: error.message, type: error.type, param: error.param ?? null, code: error.code },
  };
}
