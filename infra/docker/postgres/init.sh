#!/bin/sh
# First start of the compose stack's PostgreSQL: one database for Latchkey with an owner role
# (migrations) and an application role (api and worker: rows, not schema), and one for Temporal.
# Passwords come from the environment (.env), never from this file.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_pw="$LATCHKEY_OWNER_PASSWORD" -v app_pw="$LATCHKEY_APP_PASSWORD" \
  -v temporal_pw="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE latchkey_owner LOGIN PASSWORD :'owner_pw';
CREATE ROLE latchkey_app LOGIN PASSWORD :'app_pw';
CREATE DATABASE latchkey OWNER latchkey_owner;
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_pw';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
\connect latchkey
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO latchkey_owner;
GRANT USAGE ON SCHEMA public TO latchkey_app;
-- Tables and sequences the owner's migrations create, now and later, are usable by the app.
ALTER DEFAULT PRIVILEGES FOR ROLE latchkey_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO latchkey_app;
ALTER DEFAULT PRIVILEGES FOR ROLE latchkey_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO latchkey_app;
ALTER DEFAULT PRIVILEGES FOR ROLE latchkey_owner IN SCHEMA public
  GRANT EXECUTE ON FUNCTIONS TO latchkey_app;
SQL
