export { startAnthropicEmulator, type AnthropicEmulatorOptions } from "./anthropic-emulator.js";
export {
  handleAnthropicMessages,
  requestIdFor,
  type MessagesContext,
  type MessagesOptions,
} from "./messages-handler.js";
