export {
  startVertexEmulator,
  VERTEX_RESOURCE_PREFIX,
  type VertexEmulator,
  type VertexEmulatorOptions,
} from "./vertex-emulator.js";
export { OAuthTokenIssuer, type ServiceAccountKeyFile } from "./oauth.js";
export type { GoogleRoute, GoogleRouteContext } from "../gemini/google-server.js";
