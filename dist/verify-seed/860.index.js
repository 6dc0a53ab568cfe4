export const id = 860;
export const ids = [860];
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

/***/ 3860:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  mysqlRead: () => (/* binding */ mysqlRead)
});

// EXTERNAL MODULE: ./node_modules/node-sql-parser/build/mariadb.js
var mariadb = __webpack_require__(30932);
var mariadb_default = /*#__PURE__*/__webpack_require__.n(mariadb);
// EXTERNAL MODULE: ./node_modules/node-sql-parser/build/mysql.js
var mysql = __webpack_require__(56442);
var mysql_default = /*#__PURE__*/__webpack_require__.n(mysql);
// EXTERNAL MODULE: ./actions/verify-seed/src/spec/sql/functions.ts
var functions = __webpack_require__(41715);
;// CONCATENATED MODULE: ./actions/verify-seed/src/spec/sql/lexical.ts
/**
 * The lexical pass over a MySQL/MariaDB check query, before its parser (mysql.ts) sees it. The mysql and
 * mariadb command-line clients used for exec connections (`mysql -e`) split their input into statements
 * and run client commands themselves, so what reaches the server is decided here, by the same rules the
 * client and the server use:
 *
 * - string literals ('…' and "…", with '' escapes and backslash escapes) and `…` identifiers;
 * - comments: `# …`, `/* … *\/`, and `-- …` only when a space or control character follows the dashes
 *   (https://dev.mysql.com/doc/refman/8.0/en/comments.html); `--x` is a double minus to the server, while
 *   most SQL parsers take it for a comment, so it is refused rather than guessed;
 * - `/*! … *\/` and `/*M! … *\/` are run by the server as SQL (executable comments,
 *   https://mariadb.com/kb/en/comment-syntax/): refused;
 * - a backslash outside quotes is a client command (`\! cmd` runs a shell), and so is a first word such
 *   as `system` or `source` (https://dev.mysql.com/doc/refman/8.0/en/mysql-commands.html): refused;
 * - the server's sql_mode changes where a string ends: NO_BACKSLASH_ESCAPES makes `\` plain, ANSI_QUOTES
 *   makes "…" an identifier without backslash escapes. A query whose strings end in different places
 *   under those modes is refused, so the parser and the server always read the same statement.
 *
 * PostgreSQL needs none of this: its own parser (postgres.ts) sees the text exactly as the server will,
 * and psql sends a `-c` string to the server as it is (https://www.postgresql.org/docs/current/app-psql.html).
 */
/** Client commands of the mysql / mariadb command-line client, by their long names. */
const MYSQL_CLIENT_COMMANDS = new Set([
    'charset',
    'clear',
    'connect',
    'delimiter',
    'edit',
    'ego',
    'exit',
    'go',
    'help',
    'nopager',
    'notee',
    'nowarning',
    'pager',
    'print',
    'prompt',
    'quit',
    'rehash',
    'resetconnection',
    'source',
    'status',
    'system',
    'tee',
    'use',
    'warnings',
]);
/** Which quotes take backslash escapes: the server's default, ANSI_QUOTES, NO_BACKSLASH_ESCAPES. */
const SQL_MODES = [
    { name: 'the default sql_mode', escapes: `'"` },
    { name: 'sql_mode ANSI_QUOTES', escapes: `'` },
    { name: 'sql_mode NO_BACKSLASH_ESCAPES', escapes: '' },
];
/**
 * Checks that `sql` is exactly one MySQL/MariaDB statement with no client command, no executable comment
 * and no token the server could read differently from the parser.
 * @returns the statement with its trailing semicolon(s) removed, or why it is refused
 */
function singleMysqlStatement(sql) {
    const text = sql.trim();
    if (text === '')
        return { ok: false, reason: 'the query is empty' };
    const first = /^[A-Za-z]+/.exec(text)?.[0]?.toLowerCase() ?? '';
    if (MYSQL_CLIENT_COMMANDS.has(first))
        return { ok: false, reason: `"${first}" is a command of the mysql client, not a query` };
    const scans = SQL_MODES.map((mode) => scan(text, mode.escapes));
    const [main] = scans;
    if (!main?.ok)
        return main ?? { ok: false, reason: 'the query is empty' };
    for (const [i, other] of scans.entries()) {
        if (!other.ok || other.ends.join() !== main.ends.join() || other.semicolon !== main.semicolon)
            return {
                ok: false,
                reason: `a backslash before a quote inside a string is read differently under ${SQL_MODES[i]?.name}, so the server could see another statement; write a quote inside a string as two quotes ('it''s')`,
            };
    }
    return { ok: true, statement: (main.semicolon >= 0 ? text.slice(0, main.semicolon) : text).trim() };
}
/** Scans `text`; `escapes` lists the quote characters inside which a backslash escapes the next one. */
function scan(text, escapes) {
    const ends = [];
    let semicolon = -1;
    let i = 0;
    while (i < text.length) {
        const c = text[i];
        const next = text[i + 1];
        if (c === '-' && next === '-') {
            const after = text[i + 2];
            if (after === undefined || !(after.charCodeAt(0) <= 0x20))
                return {
                    ok: false,
                    reason: 'MySQL reads "--" as a comment only when a space follows it; write "-- " for a comment or "- -" for a double minus',
                };
            const eol = text.indexOf('\n', i);
            i = eol < 0 ? text.length : eol + 1;
            ends.push(i);
            continue;
        }
        if (c === '#') {
            const eol = text.indexOf('\n', i);
            i = eol < 0 ? text.length : eol + 1;
            ends.push(i);
            continue;
        }
        if (c === '/' && next === '*') {
            if (text[i + 2] === '!' || (text[i + 2] === 'M' && text[i + 3] === '!'))
                return {
                    ok: false,
                    reason: 'MySQL and MariaDB run the text of a /*! … */ comment as SQL; executable comments are not allowed',
                };
            const close = text.indexOf('*/', i + 2);
            if (close < 0)
                return { ok: false, reason: 'an unterminated /* comment' };
            i = close + 2;
            ends.push(i);
            continue;
        }
        if (semicolon >= 0 && !/\s/.test(c) && c !== ';')
            return {
                ok: false,
                reason: 'it holds several statements; a check runs exactly one, so it can be held in a read-only transaction',
            };
        if (c === "'" || c === '"' || c === '`') {
            const backslash = escapes.includes(c);
            i++;
            while (i < text.length) {
                if (backslash && text[i] === '\\') {
                    i += 2;
                    continue;
                }
                if (text[i] === c) {
                    if (text[i + 1] === c) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i++;
            }
            if (i >= text.length)
                return { ok: false, reason: `an unterminated ${c} quote` };
            i++;
            ends.push(i);
            continue;
        }
        if (c === '\\')
            return {
                ok: false,
                reason: 'a backslash outside quotes is a mysql client command (e.g. \\! runs a shell)',
            };
        if (c === ';' && semicolon < 0)
            semicolon = i;
        i++;
    }
    return { ok: true, ends, semicolon };
}

// EXTERNAL MODULE: ./actions/verify-seed/src/spec/sql/tree.ts
var tree = __webpack_require__(50536);
;// CONCATENATED MODULE: ./actions/verify-seed/src/spec/sql/mysql.ts
/**
 * A MySQL/MariaDB check query: the lexical pass (lexical.ts: one statement, no client command, no
 * executable comment, read alike under every sql_mode), then node-sql-parser's MySQL and MariaDB grammars
 * (https://github.com/taozhi8833998/node-sql-parser), then an allow-list of plain reads:
 *
 * - SELECT (with WITH, UNION, subqueries) without `INTO` (OUTFILE / DUMPFILE write files on the database
 *   server, `INTO @var` sets variables) and without `FOR UPDATE` / `FOR SHARE` / `LOCK IN SHARE MODE`;
 * - SHOW, DESCRIBE, and EXPLAIN of such a SELECT;
 * - no call of a function in functions.ts (LOAD_FILE, SLEEP over the timeout, BENCHMARK, GET_LOCK, …).
 *
 * A statement is accepted when at least one of the two grammars reads it and every grammar that reads it
 * yields an allowed tree; a query neither grammar reads is refused with the parser's position. The
 * grammars do not know every statement the servers do (e.g. `VALUES ROW(…)`, `TABLE t`): such a query is
 * refused, never guessed at.
 */





const GRAMMARS = [
    { name: 'MySQL', database: 'MySQL', parser: new (mysql_default()).Parser() },
    { name: 'MariaDB', database: 'MariaDB', parser: new (mariadb_default()).Parser() },
];
const TOP_LEVEL = new Set(['select', 'show', 'desc', 'explain']);
/** Statement node types that are never a read, wherever they appear. */
const WRITES = {
    insert: 'INSERT',
    replace: 'REPLACE',
    update: 'UPDATE',
    delete: 'DELETE',
    create: 'CREATE',
    drop: 'DROP',
    alter: 'ALTER',
    truncate: 'TRUNCATE',
    rename: 'RENAME',
    call: 'CALL',
    set: 'SET',
    lock: 'LOCK TABLES',
    unlock: 'UNLOCK TABLES',
    grant: 'GRANT',
    revoke: 'REVOKE',
    load_data: 'LOAD DATA',
    transaction: 'a transaction command (START TRANSACTION, COMMIT, …)',
    use: 'USE',
    declare: 'DECLARE',
    exec: 'EXECUTE',
    execute: 'EXECUTE',
    prepare: 'PREPARE',
    deallocate: 'DEALLOCATE',
    handler: 'HANDLER',
    do: 'DO',
};
/**
 * Checks that `sql` is exactly one plain MySQL/MariaDB read.
 * @param preferMariadb try the MariaDB grammar first (connection kind `mariadb`); its error is reported
 * @param timeoutMs the check's timeout (ms): `SLEEP(n)` may sleep at most that long
 * @returns the statement without trailing `;`, or why it is refused
 */
function mysqlRead(sql, timeoutMs, preferMariadb = false) {
    const lexical = singleMysqlStatement(sql);
    if (!lexical.ok)
        return lexical;
    const grammars = preferMariadb ? [...GRAMMARS].reverse() : GRAMMARS;
    let firstError = '';
    let accepted = 0;
    for (const grammar of grammars) {
        let tree;
        try {
            tree = grammar.parser.astify(lexical.statement, { database: grammar.database });
        }
        catch (error) {
            firstError ||= parseError(grammar.name, error, lexical.statement);
            continue;
        }
        const statements = Array.isArray(tree) ? tree : [tree];
        if (statements.length !== 1)
            return {
                ok: false,
                reason: 'it holds several statements; a check runs exactly one, so it can be held in a read-only transaction',
            };
        const problem = topLevel(statements[0], timeoutMs);
        if (problem)
            return { ok: false, reason: problem };
        accepted++;
    }
    if (accepted === 0)
        return { ok: false, reason: `${firstError}; ${functions/* ALLOWED_READS */.f9.mysql}` };
    return lexical;
}
/** `the MySQL parser rejects it at line 1, column 9 (near "ANALYZE SELECT 1")`. */
function parseError(grammar, error, sql) {
    const start = error
        .location?.start;
    if (!start?.line)
        return `the ${grammar} parser rejects it (${error.message.slice(0, 200)})`;
    const near = sql.slice(start.offset ?? 0, (start.offset ?? 0) + 24);
    return `the ${grammar} parser rejects it at line ${start.line}, column ${start.column}${near ? ` (near "${near}")` : ' (at the end)'}`;
}
/** Why the top-level statement is refused, or null. */
function topLevel(stmt, timeoutMs) {
    const type = String(stmt.type ?? '');
    if (!TOP_LEVEL.has(type))
        return `${WRITES[type] ?? type.toUpperCase()} is not a read; ${functions/* ALLOWED_READS */.f9.mysql}`;
    if (type === 'explain') {
        const inner = stmt.expr;
        if (String(inner?.type ?? '') !== 'select')
            return `EXPLAIN of anything but a SELECT is not allowed; ${functions/* ALLOWED_READS */.f9.mysql}`;
    }
    return (0,tree/* firstProblem */.A)(stmt, (body) => node(body, timeoutMs));
}
/** Why one node is refused on its own, or null. */
function node(body, timeoutMs) {
    const type = typeof body.type === 'string' ? body.type : '';
    if (WRITES[type])
        return `${WRITES[type]} inside the query is not a read; ${functions/* ALLOWED_READS */.f9.mysql}`;
    const into = body.into;
    if (into && typeof into === 'object' && into.position)
        return `SELECT … INTO ${String(into.keyword ?? '').toUpperCase() === 'VAR' ? '@variable' : String(into.keyword ?? '')} writes outside the result (INTO OUTFILE / DUMPFILE create files on the database server); ${functions/* ALLOWED_READS */.f9.mysql}`;
    if (body.locking_read || body.for_update)
        return `${String(body.locking_read ?? body.for_update)} locks rows; ${functions/* ALLOWED_READS */.f9.mysql}`;
    if (type === 'function') {
        const parts = (body.name?.name ?? []).map((p) => p.value ?? '');
        const name = (parts.at(-1) ?? String(body.name ?? '')).toLowerCase();
        if (name === functions/* SLEEP_FUNCTION */.D1.mysql) {
            const args = body.args?.value ?? [];
            const first = args[0];
            const seconds = first?.type === 'number' ? Number(first.value) : null;
            const why = (0,functions/* refusedSleep */.u1)('SLEEP', args.length === 1 ? seconds : null, timeoutMs);
            return why ? `${why}; raise the check's timeout or sleep less` : null;
        }
        const why = (0,functions/* refusedFunction */.$E)('mysql', name);
        if (why)
            return `it calls ${name.toUpperCase()}(): ${why}; remove the call (a check may only read)`;
    }
    return null;
}


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
