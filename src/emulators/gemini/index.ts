export { startGeminiEmulator, type GeminiEmulatorOptions } from "./gemini-emulator.js";
export { startGoogleServer, type GoogleRoute, type GoogleRouteContext } from "./google-server.js";
export { googleError, injectedGoogleError } from "./google-errors.js";
export { thoughtSignature } from "./generate-response.js";
