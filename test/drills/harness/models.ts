import type { DrillFleet } from "./drill-fleet.js";

/**
 * The demo's chat models, by what they are rather than by name, so the drills keep working when the
 * demo renames a model (the Claude one is being renamed).
 */
export interface DemoModels {
  readonly all: readonly string[];
  readonly claude: string;
  readonly gemini: string;
  readonly llama: string;
  readonly gptMini: string;
  readonly gptNova: string;
  readonly gptOss: string;
}

export function demoModels(fleet: DrillFleet): DemoModels {
  const models = [...fleet.gateway.services.config.models.values()].filter((model) =>
    model.capabilities.has("chat"),
  );
  const find = (test: (id: string, vendor: string) => boolean): string => {
    const found = models.find((model) => test(model.id, model.vendor));
    if (found === undefined) throw new Error("the demo catalog lacks a model the drills need");
    return found.id;
  };
  return {
    all: models.map((model) => model.id),
    claude: find((_, vendor) => vendor === "anthropic"),
    gemini: find((id, vendor) => vendor === "google" && id.startsWith("gemini-")),
    llama: find((_, vendor) => vendor === "meta"),
    gptMini: find((id) => id === "gpt-4o-mini"),
    gptNova: find((id) => id === "gpt-nova"),
    gptOss: find((id) => id === "gpt-oss-120b"),
  };
}
