// Runs dynalite in a worker thread, so the local DynamoDB has its own core as the real one
// has its own servers: the sync's IMAP parsing and the database do not share one event loop.
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const dynalite = require("dynalite");

const server = dynalite({ path: workerData.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.on("error", (err) => parentPort.postMessage({ error: String(err && err.message) }));
server.listen(workerData.port || 0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", (msg) => {
  if (msg === "close") {
    server.closeAllConnections?.();
    server.close(() => parentPort.postMessage({ closed: true }));
  }
});
