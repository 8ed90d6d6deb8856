export type { EmulatorKind, EmulatorOptions, Pacing, RunningEmulator } from "./types.js";
export type { Fault, FaultMatch, RequestLog } from "./fault-controller.js";
export { FaultController, faultSchema } from "./fault-controller.js";
export { startEmulator } from "./emulator-server.js";
export { startEmulators } from "./start-emulators.js";
export {
  DEFAULT_FLEET,
  type EmulatorCredentials,
  type FleetEmulator,
  type FleetMember,
} from "./start-emulators.js";
export { startAnthropicEmulator, type AnthropicEmulatorOptions } from "./anthropic/index.js";
export { startBedrockEmulator, type BedrockEmulatorOptions } from "./bedrock/index.js";
export { startGeminiEmulator, type GeminiEmulatorOptions } from "./gemini/index.js";
export { startVertexEmulator, type VertexEmulator, type VertexEmulatorOptions } from "./vertex/index.js";
export { vertexClaudeRoute } from "./vertex/claude-route.js";
