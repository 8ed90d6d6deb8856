export { errorCodes, isErrorCode, type ErrorCode, type ErrorCodeInfo } from "./codes.js";
export { GatewayError, normalizeError, type GatewayErrorOptions } from "./gateway-error.js";
