import{a}from"./chunk-PDJJ7EBO.js";import"./chunk-TJO5MNWF.js";import"./chunk-6DHFEWGX.js";export{a as ESP8266ROM};
