export const id = 987;
export const ids = [987];
export const modules = {

/***/ 41715:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $E: () => (/* binding */ refusedFunction),
/* harmony export */   D1: () => (/* binding */ SLEEP_FUNCTION),
/* harmony export */   f9: () => (/* binding */ ALLOWED_READS),
/* harmony export */   u1: () => (/* binding */ refusedSleep)
/* harmony export */ });
/**
 * Functions a check query may not call, per dialect: those with an effect that a READ ONLY transaction
 * does not stop (files on the database server, other sessions, other connections, locks that outlive the
 * transaction, sequences, settings) and those that run SQL given as text, which the parser cannot see
 * into. Names compare in lower case, without schema (`pg_catalog.lo_export` is `lo_export`).
 *
 * Sources: https://www.postgresql.org/docs/current/functions-admin.html (server signalling, backup,
 * replication, file access, advisory locks), https://www.postgresql.org/docs/current/lo-funcs.html,
 * https://www.postgresql.org/docs/current/dblink.html, https://www.postgresql.org/docs/current/tablefunc.html,
 * https://www.postgresql.org/docs/current/functions-xml.html (query_to_xml),
 * https://www.postgresql.org/docs/current/textsearch-features.html (ts_stat);
 * https://dev.mysql.com/doc/refman/8.0/en/string-functions.html#function_load-file,
 * https://dev.mysql.com/doc/refman/8.0/en/locking-functions.html,
 * https://dev.mysql.com/doc/refman/8.0/en/miscellaneous-functions.html (SLEEP),
 * https://dev.mysql.com/doc/refman/8.0/en/information-functions.html (BENCHMARK),
 * https://mariadb.com/kb/en/sequence-functions/.
 *
 * Sleeping is allowed up to the check's timeout: `pg_sleep(n)` / `SLEEP(n)` with a constant n.
 */
const POSTGRES_RULES = [
    {
        match: /^(lo_\w+|lowrite|loread)$/,
        why: 'large-object functions reach files and objects on the database server (lo_export writes a file there)',
    },
    {
        match: /^pg_(read_file|read_binary_file|stat_file|ls_\w+|logdir_ls)$/,
        why: "it reads the database server's file system",
    },
    { match: /^pg_(file_\w+|write\w*)$/, why: 'it writes files on the database server (adminpack)' },
    { match: /^dblink/, why: 'dblink opens another connection, outside the read-only transaction' },
    {
        match: /^pg_(terminate_backend|cancel_backend|reload_conf|rotate_logfile\w*|promote|switch_wal|switch_xlog|create_restore_point|start_backup|stop_backup|backup_start|backup_stop|wal_replay_pause|wal_replay_resume|xlog_replay_pause|xlog_replay_resume|import_system_collations|log_backend_memory_contexts)$/,
        why: 'it acts on the server or on other sessions',
    },
    {
        match: /replication_slot|^pg_replication_origin_|^pg_logical_/,
        why: 'it changes replication state',
    },
    { match: /^pg_stat_reset|^pg_stat_statements_reset$/, why: 'it resets statistics' },
    { match: /^pg_(try_)?advisory_/, why: 'advisory locks outlive the transaction' },
    { match: /^(set_config|setval|nextval)$/, why: 'it changes a setting or a sequence' },
    { match: /^pg_notify$/, why: 'it sends a notification (NOTIFY)' },
    {
        match: /^(query_to_xml\w*|cursor_to_xml\w*|ts_stat|crosstab\d*|connectby)$/,
        why: 'it runs SQL given as text, which cannot be checked',
    },
    {
        match: /^pg_sleep_(for|until)$/,
        why: 'a sleep is allowed only as pg_sleep(seconds) with a constant within the check timeout',
    },
];
const MYSQL_RULES = [
    { match: /^load_file$/, why: "it reads a file on the database server's file system" },
    { match: /^benchmark$/, why: "it burns the server's CPU for as many rounds as it is told" },
    {
        match: /^(get_lock|release_lock|release_all_locks)$/,
        why: 'named locks outlive the transaction',
    },
    {
        match: /^(master_pos_wait|source_pos_wait|master_gtid_wait|wait_for_executed_gtid_set|wait_until_sql_thread_after_gtids)$/,
        why: 'it waits on replication',
    },
    { match: /^sys_(exec|eval)$/, why: 'it runs a shell command on the database server (lib_mysqludf_sys)' },
    { match: /^(nextval|setval)$/, why: 'it changes a sequence' },
];
/** The sleep function of each dialect, allowed with a constant number of seconds up to the timeout. */
const SLEEP_FUNCTION = { postgres: 'pg_sleep', mysql: 'sleep' };
/**
 * Why a call of `name` is refused, or null when it may be called.
 * @param name the function's name without schema, any case
 */
function refusedFunction(dialect, name) {
    const lower = name.toLowerCase();
    const rule = (dialect === 'postgres' ? POSTGRES_RULES : MYSQL_RULES).find((r) => r.match.test(lower));
    return rule ? rule.why : null;
}
/**
 * Why a sleep of `seconds` is refused, or null when it fits the check's timeout.
 * @param seconds the constant argument, or null when it is not a constant number
 * @param timeoutMs the check's timeout (ms)
 */
function refusedSleep(name, seconds, timeoutMs) {
    if (seconds === null || !Number.isFinite(seconds))
        return `${name}() is allowed only with a constant number of seconds`;
    if (seconds * 1000 > timeoutMs)
        return `${name}(${seconds}) sleeps longer than the check's timeout (${timeoutMs / 1000} s)`;
    return null;
}
/** The wording every refusal ends with: what a check may do instead. */
const ALLOWED_READS = {
    postgres: 'a check may only read: SELECT, WITH … SELECT, VALUES, TABLE, SHOW or EXPLAIN without ANALYZE',
    mysql: 'a check may only read: SELECT, WITH … SELECT, SHOW, DESCRIBE or EXPLAIN',
};


/***/ }),

/***/ 50987:
/***/ ((module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   postgresRead: () => (/* binding */ postgresRead)
/* harmony export */ });
/* harmony import */ var libpg_query__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2627);
/* harmony import */ var libpg_query__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(libpg_query__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _functions_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(41715);
/* harmony import */ var _tree_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(50536);
/**
 * A PostgreSQL check query, read by PostgreSQL's own parser (libpg-query: the server's parser compiled to
 * WebAssembly, https://github.com/constructive-io/libpg-query-node), then held to an allow-list of plain
 * reads. A READ ONLY transaction does not stop everything: `COPY … TO PROGRAM` runs a command on the
 * database server and `lo_export` writes a file there, for a superuser (the issue behind this check:
 * "verify-seed's read-only SQL can write"). So only these pass:
 *
 * - SELECT (also VALUES and TABLE, which parse as SELECT) with no `INTO` (creates a table) and no
 *   `FOR UPDATE / FOR SHARE` (locks rows), at any depth;
 * - WITH … SELECT whose every CTE is a SELECT (no data-modifying WITH);
 * - SHOW;
 * - EXPLAIN of such a read, without ANALYZE (which runs the statement);
 * - and no call of a function in functions.ts (anywhere: select list, FROM, WHERE, subqueries).
 *
 * Every other statement — COPY, DO, CALL, SET, LOCK, LISTEN, NOTIFY, INSERT, BEGIN, … — is refused,
 * before anything connects. The module loads the WebAssembly parser once, when it is first imported.
 */



await (0,libpg_query__WEBPACK_IMPORTED_MODULE_0__.loadModule)();
/** What some refused statements do that a read-only transaction does not stop. */
const STATEMENTS = {
    CopyStmt: {
        name: 'COPY',
        why: 'it reads and writes files and runs programs on the database server (COPY … TO PROGRAM), which a READ ONLY transaction does not stop',
    },
    DoStmt: { name: 'DO', why: 'it runs procedural code' },
    CallStmt: { name: 'CALL', why: 'it runs a procedure, which may commit' },
    VariableSetStmt: { name: 'SET', why: 'it changes a session setting (it could turn read-only off)' },
    LockStmt: { name: 'LOCK', why: 'it takes table locks' },
    ListenStmt: { name: 'LISTEN', why: 'it talks to other sessions' },
    UnlistenStmt: { name: 'UNLISTEN', why: 'it talks to other sessions' },
    NotifyStmt: { name: 'NOTIFY', why: 'it talks to other sessions' },
    TransactionStmt: {
        name: 'a transaction command (BEGIN, COMMIT, ROLLBACK, …)',
        why: 'it ends the read-only transaction',
    },
    InsertStmt: { name: 'INSERT' },
    UpdateStmt: { name: 'UPDATE' },
    DeleteStmt: { name: 'DELETE' },
    MergeStmt: { name: 'MERGE' },
    CreateTableAsStmt: { name: 'CREATE TABLE … AS' },
    DeclareCursorStmt: { name: 'DECLARE … CURSOR' },
    VacuumStmt: { name: 'VACUUM / ANALYZE' },
};
/** `CreateRoleStmt` → `CREATE ROLE`. */
function statementName(node) {
    return (STATEMENTS[node]?.name ??
        node
            .replace(/Stmt$/, '')
            .replace(/([a-z])([A-Z])/g, '$1 $2')
            .toUpperCase());
}
function notARead(node, where = '') {
    const why = STATEMENTS[node]?.why;
    return `${statementName(node)}${where} is not a read${why ? `: ${why}` : ''}; ${_functions_js__WEBPACK_IMPORTED_MODULE_1__/* .ALLOWED_READS */ .f9.postgres}`;
}
/**
 * Checks that `sql` is exactly one plain PostgreSQL read.
 * @param timeoutMs the check's timeout (ms): `pg_sleep(n)` may sleep at most that long
 * @returns the statement without trailing `;` (comments kept), or why it is refused
 */
function postgresRead(sql, timeoutMs) {
    const text = sql.trim();
    if (text === '')
        return { ok: false, reason: 'the query is empty' };
    if (text.startsWith('\\'))
        return {
            ok: false,
            reason: 'client meta-commands (a leading backslash) are not SQL and are not allowed',
        };
    let stmts;
    try {
        stmts = ((0,libpg_query__WEBPACK_IMPORTED_MODULE_0__.parseSync)(text).stmts ?? []);
    }
    catch (error) {
        const at = error.sqlDetails?.cursorPosition;
        return {
            ok: false,
            reason: `PostgreSQL's parser rejects it: ${error.message}${at !== undefined && at >= 0 ? ` (at character ${at + 1})` : ''}`,
        };
    }
    if (stmts.length === 0)
        return { ok: false, reason: 'the query holds no statement (only comments)' };
    if (stmts.length > 1)
        return {
            ok: false,
            reason: `it holds several statements (${stmts.length}); a check runs exactly one, so it can be held in a read-only transaction`,
        };
    const [only] = stmts;
    const problem = only?.stmt ? topLevel(only.stmt, timeoutMs) : 'the query holds no statement';
    if (problem)
        return { ok: false, reason: problem };
    const start = only?.stmt_location ?? 0;
    const statement = only?.stmt_len ? text.slice(start, start + only.stmt_len) : text.slice(start);
    return { ok: true, statement: statement.trim() };
}
/** Why the top-level statement is refused, or null. */
function topLevel(stmt, timeoutMs) {
    const [kind, body] = Object.entries(stmt)[0] ?? ['', {}];
    switch (kind) {
        case 'SelectStmt':
            return (0,_tree_js__WEBPACK_IMPORTED_MODULE_2__/* .firstProblem */ .A)(stmt, (body, key) => node(key, body, timeoutMs));
        case 'VariableShowStmt':
            return null;
        case 'ExplainStmt': {
            const explain = body;
            const analyze = (explain.options ?? []).find((o) => o.DefElem?.defname === 'analyze');
            if (analyze && !isFalse(analyze.DefElem?.arg))
                return `EXPLAIN ANALYZE runs the statement it explains; use EXPLAIN without ANALYZE; ${_functions_js__WEBPACK_IMPORTED_MODULE_1__/* .ALLOWED_READS */ .f9.postgres}`;
            const query = explain.query ?? {};
            const inner = Object.keys(query)[0] ?? '';
            if (inner !== 'SelectStmt')
                return notARead(inner, ' (under EXPLAIN)');
            return (0,_tree_js__WEBPACK_IMPORTED_MODULE_2__/* .firstProblem */ .A)(query, (body, key) => node(key, body, timeoutMs));
        }
        default:
            return notARead(kind);
    }
}
/** `ANALYZE false` / `ANALYZE off` (any other value, or none, means ANALYZE). */
function isFalse(arg) {
    const text = arg?.String?.sval?.toLowerCase();
    return text === 'false' || text === 'off';
}
/** Why one node is refused on its own, or null. */
function node(key, body, timeoutMs) {
    if (key === 'SelectStmt') {
        if (body.intoClause)
            return `SELECT … INTO creates a table; ${_functions_js__WEBPACK_IMPORTED_MODULE_1__/* .ALLOWED_READS */ .f9.postgres}`;
        if (body.lockingClause)
            return `FOR UPDATE / FOR SHARE locks rows; ${_functions_js__WEBPACK_IMPORTED_MODULE_1__/* .ALLOWED_READS */ .f9.postgres}`;
        return null;
    }
    if (key.endsWith('Stmt'))
        return notARead(key, ' inside the query (a data-modifying WITH or subquery)');
    if (key === 'FuncCall') {
        const names = body.funcname ?? [];
        const name = (names.at(-1)?.String?.sval ?? '').toLowerCase();
        if (name === _functions_js__WEBPACK_IMPORTED_MODULE_1__/* .SLEEP_FUNCTION */ .D1.postgres) {
            const why = (0,_functions_js__WEBPACK_IMPORTED_MODULE_1__/* .refusedSleep */ .u1)(name, constantNumber(body.args?.[0]), timeoutMs);
            return why ? `${why}; raise the check's timeout or sleep less` : null;
        }
        const why = (0,_functions_js__WEBPACK_IMPORTED_MODULE_1__/* .refusedFunction */ .$E)('postgres', name);
        if (why)
            return `it calls ${name}(): ${why}; remove the call (a check may only read)`;
    }
    return null;
}
/** The number of an `A_Const` integer or float literal, or null. */
function constantNumber(arg) {
    const constant = arg?.A_Const;
    if (!constant)
        return null;
    if (constant.ival)
        return constant.ival.ival ?? 0;
    if (constant.fval?.fval !== undefined)
        return Number(constant.fval.fval);
    return null;
}

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 50536:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A: () => (/* binding */ firstProblem)
/* harmony export */ });
/** Walking a parse tree (libpg-query's JSON, node-sql-parser's AST) for the first refused node. */
/**
 * Visits every object of `value` depth-first, parents before children, and returns the first answer of
 * `visit` that is not null: why that node is refused.
 * @param visit gets each object and the key it hangs under ('' at the root; an array item gets its array's key)
 */
function firstProblem(value, visit, key = '') {
    if (Array.isArray(value)) {
        for (const item of value) {
            const problem = firstProblem(item, visit, key);
            if (problem)
                return problem;
        }
        return null;
    }
    if (value === null || typeof value !== 'object')
        return null;
    const own = visit(value, key);
    if (own)
        return own;
    for (const [childKey, child] of Object.entries(value)) {
        const problem = firstProblem(child, visit, childKey);
        if (problem)
            return problem;
    }
    return null;
}


/***/ })

};
