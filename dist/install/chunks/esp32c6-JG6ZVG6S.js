import{a}from"./chunk-O7DIRD2Q.js";import"./chunk-LN3H7TQ3.js";import"./chunk-NOGXE6VT.js";import"./chunk-TJO5MNWF.js";import"./chunk-6DHFEWGX.js";export{a as ESP32C6ROM};
