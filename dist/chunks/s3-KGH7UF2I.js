import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  ConflictError,
  IMAGE_HEADERS,
  MANIFEST_HEADERS,
  retryOnConflict,
  sameBytes
} from "./chunk-IEVPXDZW.js";
import {
  hashFile,
  readChunks
} from "./chunk-3CYM4YX4.js";
import "./chunk-PUMHU2BD.js";

// src/mirror/s3.ts
import { createHash as createHash2, randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

// src/mirror/sigv4.ts
import { createHash, createHmac } from "node:crypto";
var uriEncode = (text) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
var encodeKey = (key) => key.split("/").map(uriEncode).join("/");
var canonicalQuery = (query) => Object.entries(query).map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`).sort().join("&");
var sha256Hex = (data) => createHash("sha256").update(data).digest("hex");
var hmac = (key, text) => createHmac("sha256", key).update(text).digest();
function signRequest(request, credentials, now = /* @__PURE__ */ new Date()) {
  const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, "");
  const day = amzDate.slice(0, 8);
  const added = { "x-amz-content-sha256": request.payloadHash, "x-amz-date": amzDate };
  if (credentials.sessionToken) added["x-amz-security-token"] = credentials.sessionToken;
  const headers = /* @__PURE__ */ new Map();
  for (const [name, value] of Object.entries({ ...request.headers, ...added }))
    headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, " "));
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(";");
  const canonical = [
    request.method,
    request.path,
    request.query,
    ...names.map((name) => `${name}:${headers.get(name)}`),
    "",
    signedHeaders,
    request.payloadHash
  ].join("\n");
  const scope = `${day}/${request.region}/s3/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), request.region), "s3"), "aws4_request");
  const signature = createHmac("sha256", key).update(stringToSign).digest("hex");
  added.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return added;
}

// src/mirror/s3.ts
var DEFAULT_S3_REGION = "us-east-1";
var S3_MAX_ATTEMPTS = 5;
var S3_CONNECT_TIMEOUT_MS = 1e4;
var DEFAULT_S3_IDLE_TIMEOUT_MS = 6e4;
var MAX_LIST_PAGES = 1e3;
var RETRY_BASE_DELAY_MS = 100;
var RETRY_MAX_DELAY_MS = 2e4;
var MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
var TRANSIENT_CODES = /* @__PURE__ */ new Set([
  "RequestTimeout",
  "RequestTimeoutException",
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestThrottled",
  "TooManyRequestsException"
]);
var S3RequestError = class extends Error {
  constructor(message, status, code, attempts = 1) {
    super(message);
    this.status = status;
    this.code = code;
    this.attempts = attempts;
  }
  status;
  code;
  attempts;
};
var XML_ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
var decodeXml = (text) => text.replace(
  /&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi,
  (entity, name) => name[0] === "#" ? String.fromCodePoint(Number(name[1].toLowerCase() === "x" ? `0${name.slice(1)}` : name.slice(1))) : XML_ENTITIES[name] ?? entity
);
var elements = (xml, tag) => [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((match) => match[1]);
var element = (xml, tag) => elements(xml, tag)[0];
var isPreconditionRefusal = (error) => error instanceof S3RequestError && (error.status === 412 || error.status === 409);
var isTransient = (error) => error.status === void 0 || error.status === 429 || error.status >= 500 || TRANSIENT_CODES.has(error.code ?? "");
function describeFailure(error) {
  if (!(error instanceof S3RequestError)) return error instanceof Error ? error.message : String(error);
  let text = error.message || "no message";
  if (error.code && !text.includes(error.code)) text = `${error.code}: ${text}`;
  if (error.status) text += ` (HTTP ${error.status})`;
  if (error.attempts > 1) text += ` after ${error.attempts} attempts`;
  if (error.status === 403)
    text += "; check the credentials and that they may read, write, list and delete in the bucket";
  return text;
}
var VIRTUAL_HOST_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
var S3Target = class {
  description;
  bucket;
  /** '' or ending with '/'. */
  prefix;
  acl;
  region;
  credentials;
  /** The bucket's base URL, ending with '/'; a key is appended encoded. */
  base;
  idleTimeoutMs;
  conditionalWrites;
  constructor(config) {
    this.bucket = config.bucket;
    const prefix = config.prefix.replace(/^\/+|\/+$/g, "");
    this.prefix = prefix ? `${prefix}/` : "";
    this.acl = config.acl || void 0;
    this.description = `s3://${this.bucket}/${this.prefix}`;
    this.region = config.region || process.env.AWS_REGION || DEFAULT_S3_REGION;
    this.credentials = {
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      sessionToken: config.sessionToken || void 0
    };
    this.idleTimeoutMs = config.idleTimeoutMs ?? DEFAULT_S3_IDLE_TIMEOUT_MS;
    const endpoint = config.endpoint ?? new URL(`https://s3.${this.region}.amazonaws.com`);
    const basePath = endpoint.pathname.replace(/\/*$/, "/");
    if (config.forcePathStyle || !VIRTUAL_HOST_BUCKET.test(this.bucket)) {
      this.base = new URL(`${basePath}${encodeKey(this.bucket)}/`, endpoint);
    } else {
      this.base = new URL(`${endpoint.protocol}//${this.bucket}.${endpoint.host}${basePath}`);
    }
  }
  transaction(work) {
    return retryOnConflict(() => work(this.session()));
  }
  /** The object's URL as this target addresses it (virtual-hosted or path style); public only with a policy or ACL. */
  publicUrl(path) {
    return new URL(encodeKey(this.key(path)), this.base).href;
  }
  session() {
    const seen = /* @__PURE__ */ new Map();
    return {
      read: async (path) => {
        const stored = await this.get(path);
        seen.set(path, stored);
        return stored.bytes;
      },
      list: (folder) => this.list(folder),
      compareImage: async (path, _localFile, sha256) => {
        const stored = await this.hashObject(path);
        if (stored === void 0) return "missing";
        return stored === sha256 ? "same" : "different";
      },
      folders: (folder) => this.list(folder, "folders"),
      // Over plain http the upload is signed with the manifest's SHA-256: a server that checks x-amz-content-sha256
      // refuses bytes that differ from what the manifest declares.
      writeImage: (path, localFile, sha256) => this.putImage(path, localFile, sha256),
      writeManifest: async (path, text, previous, headers = MANIFEST_HEADERS) => {
        const body = Buffer.from(text, "latin1");
        let known = seen.get(path);
        if (!known || !sameBytes(known.bytes, previous)) known = await this.get(path);
        if (!sameBytes(known.bytes, previous)) throw new ConflictError(`${this.url(path)} changed while publishing`);
        if ((known.bytes === void 0 || known.etag) && await this.honoursConditionalWrites()) {
          const precondition = known.bytes === void 0 ? { ifNoneMatch: "*" } : { ifMatch: known.etag };
          return this.putConditionally(path, body, headers, precondition);
        }
        if (!sameBytes((await this.get(path)).bytes, previous))
          throw new ConflictError(`${this.url(path)} changed while publishing`);
        await this.put(path, body, headers);
      },
      remove: async (path) => {
        try {
          await this.request({ method: "DELETE", key: this.key(path) });
        } catch (error) {
          throw this.failure("DELETE", path, error);
        }
      }
    };
  }
  key(path) {
    return `${this.prefix}${path}`;
  }
  url(path) {
    return `s3://${this.bucket}/${this.key(path)}`;
  }
  failure(operation, path, error) {
    return new Error(`${operation} ${this.url(path)} failed: ${describeFailure(error)}`, { cause: error });
  }
  /**
   * Sends one request, signed, retrying transient failures with backoff; a 2xx answer goes to `read`
   * (tried again with the request when the answer breaks off), any other becomes an S3RequestError.
   */
  async request(request, read = drain) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(request, read);
      } catch (error) {
        const failure = error instanceof S3RequestError ? error : new S3RequestError(error.message, void 0, error.code);
        failure.attempts = attempt;
        if (attempt >= S3_MAX_ATTEMPTS || !isTransient(failure)) throw failure;
        await sleep(Math.random() * Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** attempt));
      }
    }
  }
  async attempt(request, read) {
    const url = new URL(request.key === void 0 ? "" : encodeKey(request.key), this.base);
    const query = canonicalQuery(request.query ?? {});
    const headers = { host: url.host, ...request.headers };
    const { body } = request;
    if (body) headers["content-length"] = String(Buffer.isBuffer(body) ? body.length : body.size);
    const payloadHash = await this.payloadHash(body, url);
    Object.assign(
      headers,
      signRequest(
        { method: request.method, path: url.pathname, query, headers, payloadHash, region: this.region },
        this.credentials
      )
    );
    const send = process.getBuiltinModule(url.protocol === "https:" ? "node:https" : "node:http").request;
    const outgoing = send({
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      method: request.method,
      path: `${url.pathname}${query ? `?${query}` : ""}`,
      headers
    });
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error) => {
        if (settled) return;
        settled = true;
        outgoing.destroy();
        reject(error);
      };
      watchTimeouts(outgoing, this.idleTimeoutMs, fail);
      outgoing.on("error", fail);
      outgoing.on("response", (answer) => {
        answer.on("error", fail);
        const status = answer.statusCode ?? 0;
        const outcome = status >= 200 && status < 300 ? read(answer) : readAll(answer).then((text) => {
          const xml = text.toString("utf8");
          const code = element(xml, "Code");
          throw new S3RequestError(
            decodeXml(element(xml, "Message") ?? answer.statusMessage ?? ""),
            status,
            code && decodeXml(code)
          );
        });
        outcome.then(
          (value) => {
            settled = true;
            resolve(value);
          },
          (error) => fail(error)
        );
      });
      if (body === void 0 || Buffer.isBuffer(body)) outgoing.end(body);
      else sendFile(body.file, outgoing).catch(fail);
    });
  }
  /**
   * A small body is signed with its SHA-256. A streamed image goes as UNSIGNED-PAYLOAD over https (TLS keeps the
   * bytes intact, as the SDK does for S3; AWS, R2, B2 and MinIO accept it), but over plain http AWS requires the
   * payload's hash: the one the manifest declares, or (a flash part) the file is hashed first.
   */
  async payloadHash(body, url) {
    if (body === void 0 || Buffer.isBuffer(body)) return sha256Hex(body ?? Buffer.alloc(0));
    if (url.protocol === "https:") return "UNSIGNED-PAYLOAD";
    return body.sha256 ?? (await hashFile(body.file)).sha256;
  }
  async get(path) {
    try {
      return await this.request({ method: "GET", key: this.key(path) }, async (answer) => ({
        bytes: await readAll(answer),
        etag: answer.headers.etag
      }));
    } catch (error) {
      if (error instanceof S3RequestError && error.status === 404) return { bytes: void 0, etag: void 0 };
      throw this.failure("GET", path, error);
    }
  }
  /** SHA-256 of a stored object, streamed (never held whole), or undefined when there is none. */
  async hashObject(path) {
    try {
      return await this.request({ method: "GET", key: this.key(path) }, async (answer) => {
        const hash = createHash2("sha256");
        for await (const chunk of answer) hash.update(chunk);
        return hash.digest("hex");
      });
    } catch (error) {
      if (error instanceof S3RequestError && error.status === 404) return void 0;
      throw this.failure("GET", path, error);
    }
  }
  /** Objects directly inside `folder`, or with `folders` its sub-folders (the listing's CommonPrefixes, without the final '/'). */
  async list(folder, kind = "objects") {
    const paths = [];
    let token;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const query = {
        "list-type": "2",
        prefix: this.key(folder ? `${folder}/` : ""),
        delimiter: "/"
      };
      if (token) query["continuation-token"] = token;
      let xml;
      try {
        xml = (await this.request({ method: "GET", query }, readAll)).toString("utf8");
      } catch (error) {
        throw this.failure("LIST", folder ? `${folder}/` : "", error);
      }
      const keys = kind === "objects" ? elements(xml, "Contents").map((entry) => element(entry, "Key")) : elements(xml, "CommonPrefixes").map((entry) => element(entry, "Prefix")?.replace(/\/$/, ""));
      for (const encoded of keys) {
        const key = encoded === void 0 ? void 0 : decodeXml(encoded);
        if (key?.startsWith(this.prefix)) paths.push(key.slice(this.prefix.length));
      }
      const next = element(xml, "NextContinuationToken");
      token = element(xml, "IsTruncated") === "true" && next ? decodeXml(next) : void 0;
      if (!token) return paths;
    }
    throw new Error(`LIST ${this.url(folder)} did not end after ${MAX_LIST_PAGES} pages`);
  }
  /** PUT with the object's headers. No checksum headers are sent: R2, B2 and older MinIO rejected the SDK's CRC32 ones. */
  send(path, body, headers, precondition = {}) {
    const objectHeaders = {
      "content-type": headers.contentType,
      "cache-control": headers.cacheControl
    };
    if (this.acl) objectHeaders["x-amz-acl"] = this.acl;
    if (precondition.ifMatch) objectHeaders["if-match"] = precondition.ifMatch;
    if (precondition.ifNoneMatch) objectHeaders["if-none-match"] = precondition.ifNoneMatch;
    return this.request({ method: "PUT", key: this.key(path), headers: objectHeaders, body });
  }
  async put(path, body, headers) {
    try {
      await this.send(path, body, headers);
    } catch (error) {
      throw this.failure("PUT", path, error);
    }
  }
  /**
   * Streams the image from its file with its Content-Length, so memory does not grow with its size (each attempt
   * reads the file again). It is created where it must not exist yet (If-None-Match: *), so two publishers never
   * overwrite each other's image.
   */
  async putImage(path, localFile, sha256) {
    const { size } = await stat(localFile);
    const precondition = await this.honoursConditionalWrites() ? { ifNoneMatch: "*" } : {};
    try {
      await this.send(path, { file: localFile, size, sha256 }, IMAGE_HEADERS, precondition);
    } catch (error) {
      if (!(precondition.ifNoneMatch && isPreconditionRefusal(error))) throw this.failure("PUT", path, error);
      if (await this.hashObject(path) === (sha256 ?? (await hashFile(localFile)).sha256)) return;
      throw new ConflictError(`${this.url(path)} was changed by another publisher`);
    }
  }
  async putConditionally(path, body, headers, precondition) {
    try {
      await this.send(path, body, headers, precondition);
    } catch (error) {
      if (!isPreconditionRefusal(error)) throw this.failure("PUT", path, error);
      if (sameBytes((await this.get(path)).bytes, body)) return;
      throw new ConflictError(`${this.url(path)} was changed by another publisher`);
    }
  }
  /** Asked once per target; servers that do not know the headers ignore them silently, so a probe finds out. */
  honoursConditionalWrites() {
    this.conditionalWrites ??= this.probeConditionalWrites().catch((error) => {
      this.conditionalWrites = void 0;
      throw error;
    });
    return this.conditionalWrites;
  }
  /**
   * Writes an empty probe object under the prefix with an If-Match that cannot
   * match. A server that honours conditions refuses it (412, or 404 as there is
   * no such object); one that ignores them stores it, and the probe is deleted.
   */
  async probeConditionalWrites() {
    const probe = `.static-ota-probe-${randomUUID()}`;
    try {
      await this.send(probe, Buffer.alloc(0), MANIFEST_HEADERS, { ifMatch: `"${"0".repeat(32)}"` });
    } catch (error) {
      const status = error instanceof S3RequestError ? error.status : void 0;
      if (status === 412 || status === 404) return true;
      if (status === 501) return false;
      throw this.failure("PUT (conditional-write probe)", probe, error);
    }
    try {
      await this.request({ method: "DELETE", key: this.key(probe) });
    } catch (error) {
      throw this.failure("DELETE (conditional-write probe)", probe, error);
    }
    return false;
  }
};
async function readAll(answer) {
  const chunks = [];
  let length = 0;
  for await (const chunk of answer) {
    length += chunk.length;
    if (length > MAX_RESPONSE_BYTES) throw new Error(`the answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
var drain = async (answer) => {
  for await (const _chunk of answer) ;
};
function watchTimeouts(outgoing, idleMs, fail) {
  outgoing.setTimeout(idleMs, () => fail(new Error(`no answer for ${idleMs} ms`)));
  outgoing.once("socket", (socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(
      () => fail(new Error(`no connection within ${S3_CONNECT_TIMEOUT_MS} ms`)),
      S3_CONNECT_TIMEOUT_MS
    );
    socket.once("connect", () => clearTimeout(timer));
    socket.once("close", () => clearTimeout(timer));
  });
}
async function sendFile(path, request) {
  for await (const chunk of readChunks(path)) {
    if (request.destroyed) return;
    const failed = await new Promise((resolveWrite) => request.write(chunk, resolveWrite));
    if (failed || request.destroyed) return;
  }
  request.end();
}
export {
  DEFAULT_S3_IDLE_TIMEOUT_MS,
  DEFAULT_S3_REGION,
  S3Target,
  S3_CONNECT_TIMEOUT_MS,
  S3_MAX_ATTEMPTS
};
