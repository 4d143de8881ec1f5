import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-BQZJQJWY.js";
import "./chunks/chunk-AYNHXQAQ.js";
import "./chunks/chunk-YCF4FEL2.js";
import "./chunks/chunk-XP72XD3V.js";
import "./chunks/chunk-PPDK5VWW.js";
import "./chunks/chunk-KCXCTA5R.js";
import "./chunks/chunk-YNZHJX3V.js";
import "./chunks/chunk-PUMHU2BD.js";
export {
  run
};
