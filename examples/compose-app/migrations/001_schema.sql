-- 001_schema.sql: initial schema for the compose-app example.
-- Idempotent: safe to run on every `compose up` (the `migrate` one-shot does).

CREATE TABLE IF NOT EXISTS users (
    id          integer     PRIMARY KEY,
    email       text        NOT NULL UNIQUE,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS orders (
    id           integer     PRIMARY KEY,
    user_id      integer     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sku          text        NOT NULL,
    quantity     integer     NOT NULL CHECK (quantity > 0),
    total_cents  integer     NOT NULL CHECK (total_cents >= 0),
    status       text        NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS orders_user_id_idx ON orders (user_id);

-- Key/value metadata about the loaded fixture set (fixture_version, ...).
CREATE TABLE IF NOT EXISTS fixture_meta (
    key    text PRIMARY KEY,
    value  text NOT NULL
);
