/** Expected HTTP status sets; the parser lives in the shared http-status module (also used by verify-seed). */
export { parseStatus, type StatusMatcher } from '../../shared/src/http-status.js';
