import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/mirror/target.ts
var IMAGE_HEADERS = {
  contentType: "application/octet-stream",
  cacheControl: "public, max-age=31536000, immutable"
};
var MANIFEST_HEADERS = {
  contentType: "text/plain; charset=utf-8",
  cacheControl: "no-cache"
};
var ConflictError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "ConflictError";
  }
};
var MAX_CONFLICT_RETRIES = 5;
var sameBytes = (a, b) => a === void 0 || b === void 0 ? a === b : a.equals(b);
async function retryOnConflict(attempt) {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConflictError) || retry >= MAX_CONFLICT_RETRIES) throw error;
    }
  }
}

export {
  IMAGE_HEADERS,
  MANIFEST_HEADERS,
  ConflictError,
  MAX_CONFLICT_RETRIES,
  sameBytes,
  retryOnConflict
};
