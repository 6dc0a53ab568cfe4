/**
 * Types for `bottleneck/light.js`, the build of Bottleneck that @octokit/plugin-throttling itself loads
 * (the same class as the package's main entry, without the Redis clustering code); the package ships
 * types only for its main entry.
 */
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
