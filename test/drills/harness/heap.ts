import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
/** V8's collector, reachable without starting node with --expose-gc. */
const collect = runInNewContext("gc") as () => void;

/** Live heap in MiB after a full collection: what is still referenced, not what awaits collection. */
export function liveHeapMb(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
