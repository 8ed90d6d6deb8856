export type * from "./chat-request.js";
export type * from "./chat-result.js";
export type * from "./stream-part.js";
export type * from "./usage.js";
export type * from "./embeddings.js";
