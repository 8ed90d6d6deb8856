import type { KeyConfig } from "../config/types.js";

/** Whether a key may use a model. */
export function keyAllowsModel(key: KeyConfig, model: string): boolean {
  return key.models === undefined || key.models.has(model);
}
