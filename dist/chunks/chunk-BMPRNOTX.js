import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/common/interrupt.ts
import { rmSync } from "node:fs";
var temporaries = /* @__PURE__ */ new Set();
var liveNotes = /* @__PURE__ */ new Set();
function holdTemporary(path) {
  temporaries.add(path);
  return () => void temporaries.delete(path);
}
function noteLive(describe) {
  liveNotes.add(describe);
  return () => void liveNotes.delete(describe);
}
function removeTemporaries() {
  const failed = [];
  for (const path of temporaries) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch (error) {
      failed.push(`${path} (${error.message})`);
    }
  }
  temporaries.clear();
  return failed;
}
async function stoppable(work, write) {
  const stop = (signal) => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    const failed = removeTemporaries();
    const live = [...liveNotes].map((describe) => describe()).filter((note) => note !== void 0);
    write(
      `static-ota: stopped by ${signal}; ` + (failed.length ? `could not remove ${failed.join(", ")}` : "its temporary files are removed") + (live.length ? `. ${live.join(" ")}
` : ".\n")
    );
    process.kill(process.pid, signal);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    return await work();
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

export {
  holdTemporary,
  noteLive,
  stoppable
};
