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
