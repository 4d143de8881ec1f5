import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-TCANRZR4.js";
import "./chunks/chunk-7NIALOEM.js";
import "./chunks/chunk-XYOIAEAB.js";
import "./chunks/chunk-YCF4FEL2.js";
import "./chunks/chunk-RZHG76QV.js";
import "./chunks/chunk-BMPRNOTX.js";
import "./chunks/chunk-DZL7G2VY.js";
import "./chunks/chunk-IEVPXDZW.js";
import "./chunks/chunk-BV7TYO46.js";
import "./chunks/chunk-PUMHU2BD.js";
export {
  run
};
