export { startBedrockEmulator, type BedrockEmulatorOptions } from "./bedrock-emulator.js";
export type { BedrockCredentials } from "./sigv4.js";
