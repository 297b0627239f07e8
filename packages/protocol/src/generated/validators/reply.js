// Generated from the TypeBox schemas in src/schema.ts by `pnpm schema`. Do not edit.
// A test fails while this file is out of date.
// Ajv's standalone code: compiling at build time keeps Ajv's compiler and TypeBox out of every process's start-up.
/* eslint-disable */
"use strict";
exports.validate = validate15;
const schema16 = {"additionalProperties":false,"$id":"clustr.frame.reply.v2","description":"The answer to a request, on the requester's private channel; `re` is the request's id.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"reply","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"type":"object","required":["ok"],"properties":{"ok":{"type":"boolean"}},"if":{"properties":{"ok":{"const":true}}},"then":{"additionalProperties":false,"type":"object","required":["ok","body"],"properties":{"ok":{"const":true,"type":"boolean"},"body":{"description":"User data; validated against the receiver's schema for it."}}},"else":{"additionalProperties":false,"type":"object","required":["ok","error"],"properties":{"ok":{"const":false,"type":"boolean"},"error":{"additionalProperties":false,"description":"Why a request failed on the receiver.","type":"object","required":["code","message"],"properties":{"code":{"minLength":1,"maxLength":64,"type":"string"},"message":{"maxLength":4096,"type":"string"},"stack":{"maxLength":16384,"type":"string"}}}}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};
const func2 = Object.prototype.hasOwnProperty;
const func3 = require("ajv/dist/runtime/ucs2length").default;
const pattern0 = new RegExp("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])", "u");
const pattern1 = new RegExp("^[A-Za-z0-9_-]{1,32}(?![\\s\\S])", "u");

function validate15(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.reply.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate15.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema16.properties, key0))){
validate15.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate15.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate15.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.kind !== undefined){
let data1 = data.kind;
const _errs4 = errors;
if(typeof data1 !== "string"){
validate15.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("reply" !== data1){
validate15.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "reply"},message:"must be equal to constant"}];
return false;
}
var valid0 = _errs4 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.id !== undefined){
let data2 = data.id;
const _errs6 = errors;
if(errors === _errs6){
if(typeof data2 === "string"){
if(data2.length > 64 && func3(data2) > 64){
validate15.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate15.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate15.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs6 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.meta !== undefined){
let data3 = data.meta;
const _errs8 = errors;
if(errors === _errs8){
if(data3 && typeof data3 == "object" && !Array.isArray(data3)){
let missing1;
if(((data3.pid === undefined) && (missing1 = "pid")) || ((data3.group === undefined) && (missing1 = "group"))){
validate15.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate15.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate15.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate15.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate15.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid1 = _errs11 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data3.group !== undefined){
let data5 = data3.group;
const _errs13 = errors;
if(errors === _errs13){
if(typeof data5 === "string"){
if(!pattern0.test(data5)){
validate15.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate15.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid1 = _errs13 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data3.instance !== undefined){
let data6 = data3.instance;
const _errs15 = errors;
if(errors === _errs15){
if(typeof data6 === "string"){
if(!pattern1.test(data6)){
validate15.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate15.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid1 = _errs15 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data3.host !== undefined){
let data7 = data3.host;
const _errs17 = errors;
if(errors === _errs17){
if(typeof data7 === "string"){
if(data7.length > 255 && func3(data7) > 255){
validate15.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate15.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate15.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid1 = _errs17 === errors;
}
else {
var valid1 = true;
}
}
}
}
}
}
}
else {
validate15.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid0 = _errs8 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.seq !== undefined){
let data8 = data.seq;
const _errs19 = errors;
if(!(((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8))) && (isFinite(data8)))){
validate15.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate15.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate15.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid0 = _errs19 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.data !== undefined){
let data9 = data.data;
const _errs21 = errors;
const _errs23 = errors;
let valid2 = true;
const _errs24 = errors;
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
if(data9.ok !== undefined){
if(true !== data9.ok){
const err0 = {};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
}
var _valid0 = _errs24 === errors;
errors = _errs23;
if(vErrors !== null){
if(_errs23){
vErrors.length = _errs23;
}
else {
vErrors = null;
}
}
let ifClause0;
if(_valid0){
const _errs26 = errors;
if(errors === _errs26){
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
let missing2;
if(((data9.ok === undefined) && (missing2 = "ok")) || ((data9.body === undefined) && (missing2 = "body"))){
validate15.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/then/required",keyword:"required",params:{missingProperty: missing2},message:"must have required property '"+missing2+"'"}];
return false;
}
else {
const _errs28 = errors;
for(const key2 in data9){
if(!((key2 === "ok") || (key2 === "body"))){
validate15.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs28 === errors){
if(data9.ok !== undefined){
let data11 = data9.ok;
if(typeof data11 !== "boolean"){
validate15.errors = [{instancePath:instancePath+"/data/ok",schemaPath:"#/properties/data/then/properties/ok/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"}];
return false;
}
if(true !== data11){
validate15.errors = [{instancePath:instancePath+"/data/ok",schemaPath:"#/properties/data/then/properties/ok/const",keyword:"const",params:{allowedValue: true},message:"must be equal to constant"}];
return false;
}
}
}
}
}
else {
validate15.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/then/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var _valid0 = _errs26 === errors;
valid2 = _valid0;
ifClause0 = "then";
}
else {
const _errs31 = errors;
if(errors === _errs31){
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
let missing3;
if(((data9.ok === undefined) && (missing3 = "ok")) || ((data9.error === undefined) && (missing3 = "error"))){
validate15.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/else/required",keyword:"required",params:{missingProperty: missing3},message:"must have required property '"+missing3+"'"}];
return false;
}
else {
const _errs33 = errors;
for(const key3 in data9){
if(!((key3 === "ok") || (key3 === "error"))){
validate15.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/else/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs33 === errors){
if(data9.ok !== undefined){
let data12 = data9.ok;
const _errs34 = errors;
if(typeof data12 !== "boolean"){
validate15.errors = [{instancePath:instancePath+"/data/ok",schemaPath:"#/properties/data/else/properties/ok/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"}];
return false;
}
if(false !== data12){
validate15.errors = [{instancePath:instancePath+"/data/ok",schemaPath:"#/properties/data/else/properties/ok/const",keyword:"const",params:{allowedValue: false},message:"must be equal to constant"}];
return false;
}
var valid5 = _errs34 === errors;
}
else {
var valid5 = true;
}
if(valid5){
if(data9.error !== undefined){
let data13 = data9.error;
const _errs36 = errors;
if(errors === _errs36){
if(data13 && typeof data13 == "object" && !Array.isArray(data13)){
let missing4;
if(((data13.code === undefined) && (missing4 = "code")) || ((data13.message === undefined) && (missing4 = "message"))){
validate15.errors = [{instancePath:instancePath+"/data/error",schemaPath:"#/properties/data/else/properties/error/required",keyword:"required",params:{missingProperty: missing4},message:"must have required property '"+missing4+"'"}];
return false;
}
else {
const _errs38 = errors;
for(const key4 in data13){
if(!(((key4 === "code") || (key4 === "message")) || (key4 === "stack"))){
validate15.errors = [{instancePath:instancePath+"/data/error",schemaPath:"#/properties/data/else/properties/error/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs38 === errors){
if(data13.code !== undefined){
let data14 = data13.code;
const _errs39 = errors;
if(errors === _errs39){
if(typeof data14 === "string"){
if(data14.length > 64 && func3(data14) > 64){
validate15.errors = [{instancePath:instancePath+"/data/error/code",schemaPath:"#/properties/data/else/properties/error/properties/code/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data14.length < 1 || (data14.length < 2 * 1 && func3(data14) < 1)){
validate15.errors = [{instancePath:instancePath+"/data/error/code",schemaPath:"#/properties/data/else/properties/error/properties/code/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate15.errors = [{instancePath:instancePath+"/data/error/code",schemaPath:"#/properties/data/else/properties/error/properties/code/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid6 = _errs39 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data13.message !== undefined){
let data15 = data13.message;
const _errs41 = errors;
if(errors === _errs41){
if(typeof data15 === "string"){
if(data15.length > 4096 && func3(data15) > 4096){
validate15.errors = [{instancePath:instancePath+"/data/error/message",schemaPath:"#/properties/data/else/properties/error/properties/message/maxLength",keyword:"maxLength",params:{limit: 4096},message:"must NOT have more than 4096 characters"}];
return false;
}
}
else {
validate15.errors = [{instancePath:instancePath+"/data/error/message",schemaPath:"#/properties/data/else/properties/error/properties/message/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid6 = _errs41 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data13.stack !== undefined){
let data16 = data13.stack;
const _errs43 = errors;
if(errors === _errs43){
if(typeof data16 === "string"){
if(data16.length > 16384 && func3(data16) > 16384){
validate15.errors = [{instancePath:instancePath+"/data/error/stack",schemaPath:"#/properties/data/else/properties/error/properties/stack/maxLength",keyword:"maxLength",params:{limit: 16384},message:"must NOT have more than 16384 characters"}];
return false;
}
}
else {
validate15.errors = [{instancePath:instancePath+"/data/error/stack",schemaPath:"#/properties/data/else/properties/error/properties/stack/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid6 = _errs43 === errors;
}
else {
var valid6 = true;
}
}
}
}
}
}
else {
validate15.errors = [{instancePath:instancePath+"/data/error",schemaPath:"#/properties/data/else/properties/error/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid5 = _errs36 === errors;
}
else {
var valid5 = true;
}
}
}
}
}
else {
validate15.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/else/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var _valid0 = _errs31 === errors;
valid2 = _valid0;
ifClause0 = "else";
}
if(!valid2){
const err1 = {instancePath:instancePath+"/data",schemaPath:"#/properties/data/if",keyword:"if",params:{failingKeyword: ifClause0},message:"must match \""+ifClause0+"\" schema"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
validate15.errors = vErrors;
return false;
}
if(errors === _errs21){
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
let missing5;
if((data9.ok === undefined) && (missing5 = "ok")){
validate15.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/required",keyword:"required",params:{missingProperty: missing5},message:"must have required property '"+missing5+"'"}];
return false;
}
else {
if(data9.ok !== undefined){
if(typeof data9.ok !== "boolean"){
validate15.errors = [{instancePath:instancePath+"/data/ok",schemaPath:"#/properties/data/properties/ok/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"}];
return false;
}
}
}
}
else {
validate15.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid0 = _errs21 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.re !== undefined){
let data18 = data.re;
const _errs47 = errors;
if(errors === _errs47){
if(typeof data18 === "string"){
if(data18.length > 64 && func3(data18) > 64){
validate15.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data18.length < 1 || (data18.length < 2 * 1 && func3(data18) < 1)){
validate15.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate15.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs47 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data19 = data.ts;
const _errs49 = errors;
if(!(((typeof data19 == "number") && (!(data19 % 1) && !isNaN(data19))) && (isFinite(data19)))){
validate15.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs49){
if((typeof data19 == "number") && (isFinite(data19))){
if(data19 > 9007199254740991 || isNaN(data19)){
validate15.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data19 < 0 || isNaN(data19)){
validate15.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs49 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data20 = data.sig;
const _errs51 = errors;
if(errors === _errs51){
if(typeof data20 === "string"){
if(data20.length > 512 && func3(data20) > 512){
validate15.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data20.length < 1 || (data20.length < 2 * 1 && func3(data20) < 1)){
validate15.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate15.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs51 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
}
}
}
}
else {
validate15.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate15.errors = vErrors;
return errors === 0;
}

