// Generated from the TypeBox schemas in src/schema.ts by `pnpm schema`. Do not edit.
// A test fails while this file is out of date.
// Ajv's standalone code: compiling at build time keeps Ajv's compiler and TypeBox out of every process's start-up.
/* eslint-disable */
"use strict";
exports.kinds = ["public","private","group","any","request","reply","kill","confirmation","register","deregister","heartbeat","clusterInfoRequest","clusterInfoReply","announce","membership","statusRequest","statusReply","command","commandReply","batch"];
exports.loadValidator = function loadValidator(kind) {
  switch (kind) {
    case "public": return require("./validators/public.js").validate;
    case "private": return require("./validators/private.js").validate;
    case "group": return require("./validators/group.js").validate;
    case "any": return require("./validators/any.js").validate;
    case "request": return require("./validators/request.js").validate;
    case "reply": return require("./validators/reply.js").validate;
    case "kill": return require("./validators/kill.js").validate;
    case "confirmation": return require("./validators/confirmation.js").validate;
    case "register": return require("./validators/register.js").validate;
    case "deregister": return require("./validators/deregister.js").validate;
    case "heartbeat": return require("./validators/heartbeat.js").validate;
    case "clusterInfoRequest": return require("./validators/clusterInfoRequest.js").validate;
    case "clusterInfoReply": return require("./validators/clusterInfoReply.js").validate;
    case "announce": return require("./validators/announce.js").validate;
    case "membership": return require("./validators/membership.js").validate;
    case "statusRequest": return require("./validators/statusRequest.js").validate;
    case "statusReply": return require("./validators/statusReply.js").validate;
    case "command": return require("./validators/command.js").validate;
    case "commandReply": return require("./validators/commandReply.js").validate;
    case "batch": return require("./validators/batch.js").validate;
    default: return undefined;
  }
};
