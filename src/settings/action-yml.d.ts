// action.yml imported as its inputs' defaults (input name -> default text), by the bundle's plugin and jest's
// transform (scripts/action-defaults.cjs).
declare module '*/action.yml' {
  const defaults: Readonly<Record<string, string>>;
  export default defaults;
}
