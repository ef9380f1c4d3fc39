'use strict';
/**
 * Prisma's schema engine (the Rust migration logic compiled to WebAssembly) driven through
 * @prisma/adapter-pg, for machines that cannot download the native schema engine.
 * See ../shared/docs/PRISMA-OFFLINE.md ("Four traps") for why each workaround below exists;
 * test/integration/db-guard.test.ts pins every one of them so a Prisma upgrade fails loudly.
 *
 * Plain CommonJS JavaScript on purpose: it runs without a build step (the `schema-engine`
 * executable next to it, `npm run prisma:generate`) and is required from TypeScript by infra/db.
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { pathToFileURL } = require('node:url');
const pg = require('pg');
const { parse: parsePgUrl } = require('pg-connection-string');
const { PrismaPg } = require('@prisma/adapter-pg');
const { bindMigrationAwareSqlAdapterFactory } = require('@prisma/driver-adapter-utils');

/** The engine commit this code was written and tested against (the guard test pins it). */
const EXPECTED_ENGINE_VERSION = '59be4fda12412a79eeb9c2ae727b6aa723593323';

/** PostgreSQL's internal one-byte `"char"` type (pg_catalog columns such as relkind, contype). */
const OID_CHAR = 18;
const OID_TEXT = 25;

let gluePromise = null;

/**
 * Loads the wasm engine once per process. The package's entry point does `import * as wasm from
 * "./schema_engine_bg.wasm"`, which Node 20 cannot load, so we instantiate the module by hand and
 * hand its exports to the package's own JS glue (`schema_engine_bg.js`).
 */
function loadGlue() {
  if (!gluePromise) {
    gluePromise = (async () => {
      // The glue reports Rust panics through this global; without it a panic becomes a TypeError.
      if (!globalThis.PRISMA_WASM_PANIC_REGISTRY) {
        globalThis.PRISMA_WASM_PANIC_REGISTRY = {
          message: '',
          set_message(m) {
            this.message = m;
          },
        };
      }
      const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
      // The glue is an ES module: a real dynamic import (not transpiled to require by jest/swc).
      const importEsm = new Function('u', 'return import(u)');
      const glue = await importEsm(pathToFileURL(path.join(dir, 'schema_engine_bg.js')).href);
      const module = await WebAssembly.compile(fs.readFileSync(path.join(dir, 'schema_engine_bg.wasm')));
      const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': glue });
      glue.__wbg_set_wasm(instance.exports);
      instance.exports.__wbindgen_start();
      return glue;
    })();
    gluePromise.catch(() => {
      gluePromise = null;
    });
  }
  return gluePromise;
}

/** The engine's commit hash, e.g. `59be4fda…`. */
async function engineVersion() {
  return (await loadGlue()).version();
}

/**
 * Discrete `pg` pool fields from a connection URL. Never pass `connectionString` together with a
 * `database` override: in `pg` the URL's database wins (trap 2).
 */
function poolConfig(url, database) {
  const p = parsePgUrl(url);
  const cfg = {
    host: p.host || undefined,
    port: p.port ? Number(p.port) : undefined,
    user: p.user || undefined,
    password: p.password || undefined,
    database: database ?? (p.database || undefined),
    max: 4,
  };
  if (p.ssl !== undefined && p.ssl !== false) cfg.ssl = p.ssl;
  if (p.options) cfg.options = p.options;
  const schema = new URL(url).searchParams.get('schema');
  return { cfg, schema: schema || undefined };
}

/** The database name in a PostgreSQL URL. */
function databaseName(url) {
  const name = parsePgUrl(url).database;
  if (!name) throw new Error('the database URL names no database');
  return name;
}

function quoteIdent(name) {
  return '"' + String(name).replace(/"/g, '""') + '"';
}

/**
 * Trap 1: the engine's catalog queries return `"char"` columns, which the adapter refuses
 * (UnsupportedNativeDataType). `pg` already parses them as strings, so declaring them text is exact.
 */
function readCharAsText(queryable) {
  const performIO = queryable.performIO;
  queryable.performIO = async function patchedPerformIO(query) {
    const result = await performIO.call(this, query);
    if (result && Array.isArray(result.fields)) {
      for (const f of result.fields) if (f.dataTypeID === OID_CHAR) f.dataTypeID = OID_TEXT;
    }
    return result;
  };
  return queryable;
}

/**
 * Applies the workarounds to an adapter from PrismaPg#connect(): `"char"` read as text, on the
 * adapter and on every transaction it opens; scripts executed whole (trap 3: the adapter splits on
 * `;`, which breaks `$$` bodies and half-applies a failing migration). One simple-protocol query
 * runs the script in one implicit transaction, as the native engine does.
 */
function patchAdapter(adapter) {
  readCharAsText(adapter);
  const startTransaction = adapter.startTransaction;
  adapter.startTransaction = async function patchedStartTransaction(...args) {
    return readCharAsText(await startTransaction.apply(this, args));
  };
  adapter.executeScript = async function wholeScript(script) {
    try {
      await this.client.query(script);
    } catch (error) {
      this.onError(error);
    }
  };
  return adapter;
}

/**
 * A migration-aware adapter factory over `pg` with the four workarounds. Tracks everything it
 * opens so `disposeAll()` closes every pool and drops every temporary shadow database (the engine's
 * `free()` closes nothing).
 */
class OfflinePgFactory {
  /**
   * @param {string} url main database
   * @param {string | undefined} shadowDatabaseUrl explicit shadow database (left in place), or
   *   undefined to create and drop a temporary one per use
   */
  constructor(url, shadowDatabaseUrl) {
    this.provider = 'postgres';
    this.adapterName = '@prisma/adapter-pg';
    this.url = url;
    this.shadowDatabaseUrl = shadowDatabaseUrl;
    this.open = new Set();
    /** names of temporary shadow databases created and not yet dropped */
    this.shadowDatabases = new Set();
  }

  async connect() {
    const { cfg, schema } = poolConfig(this.url);
    return this.track(patchAdapter(await new PrismaPg(cfg, { schema }).connect()));
  }

  /** Trap 2: the shadow database is created here, connected to by name, and dropped on dispose. */
  async connectToShadowDb() {
    if (this.shadowDatabaseUrl) {
      const { cfg, schema } = poolConfig(this.shadowDatabaseUrl);
      return this.track(patchAdapter(await new PrismaPg(cfg, { schema }).connect()));
    }
    const name = `prisma_migrate_shadow_db_${crypto.randomUUID()}`;
    await this.admin(`CREATE DATABASE ${quoteIdent(name)}`);
    this.shadowDatabases.add(name);
    const { cfg, schema } = poolConfig(this.url, name);
    const inner = await new PrismaPg(cfg, { schema }).connect();
    const release = inner.release;
    inner.release = async () => {
      await release();
      await this.dropShadow(name);
    };
    return this.track(patchAdapter(inner));
  }

  /** Runs one statement on a short-lived connection to the main database's server (maintenance db). */
  async admin(sql) {
    const { cfg } = poolConfig(this.url, 'postgres');
    const client = new pg.Client(cfg);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  async dropShadow(name) {
    if (!this.shadowDatabases.has(name)) return;
    this.shadowDatabases.delete(name);
    await this.admin(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  }

  track(adapter) {
    const dispose = adapter.dispose.bind(adapter);
    let done = null;
    adapter.dispose = () => {
      if (!done) {
        this.open.delete(adapter);
        done = dispose();
      }
      return done;
    };
    this.open.add(adapter);
    return adapter;
  }

  /** Closes every pool this factory opened and drops every temporary shadow database. */
  async disposeAll() {
    const errors = [];
    for (const a of [...this.open]) await a.dispose().catch((e) => errors.push(e));
    for (const name of [...this.shadowDatabases]) await this.dropShadow(name).catch((e) => errors.push(e));
    if (errors.length) throw errors[0];
  }
}

/**
 * Opens a wasm schema engine on `url`.
 * @param {{ url: string, shadowDatabaseUrl?: string, datamodels?: Array<[string, string]>, onLog?: (line: string) => void }} opts
 * @returns {Promise<{ engine: any, factory: OfflinePgFactory, close(): Promise<void> }>}
 */
async function openEngine(opts) {
  const glue = await loadGlue();
  const factory = new OfflinePgFactory(opts.url, opts.shadowDatabaseUrl);
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const onLog = opts.onLog ?? (() => undefined);
  const engine = await glue.SchemaEngine.new(
    { datamodels: opts.datamodels ?? undefined },
    (line) => onLog(String(line)),
    bound,
  );
  let closed = null;
  return {
    engine,
    factory,
    close() {
      if (!closed) {
        closed = (async () => {
          try {
            engine.free();
          } finally {
            await factory.disposeAll();
          }
        })();
      }
      return closed;
    },
  };
}

/**
 * The engine rejects with an Error whose message is sometimes a JSON user-facing error
 * (`{ error_code, message, meta }`). Returns that object, or a plain `{ message }`.
 */
function describeEngineError(err) {
  const raw = err && typeof err === 'object' && 'message' in err ? String(err.message) : String(err);
  try {
    const parsed = JSON.parse(raw);
    if (parsed && typeof parsed === 'object') return parsed;
  } catch {
    /* not JSON */
  }
  const panic = globalThis.PRISMA_WASM_PANIC_REGISTRY && globalThis.PRISMA_WASM_PANIC_REGISTRY.message;
  return { message: raw, is_panic: Boolean(panic) || /unreachable/.test(raw), panic: panic || undefined };
}

module.exports = {
  EXPECTED_ENGINE_VERSION,
  OfflinePgFactory,
  databaseName,
  describeEngineError,
  engineVersion,
  loadGlue,
  openEngine,
  poolConfig,
  quoteIdent,
};
