// Generated from the TypeBox schemas in src/schema.ts by `pnpm schema`. Do not edit.
// A test fails while this file is out of date.
// Ajv's standalone code: compiling at build time keeps Ajv's compiler and TypeBox out of every process's start-up.
/* eslint-disable */
"use strict";
exports.validate = validate26;
const schema27 = {"additionalProperties":false,"$id":"clustr.frame.statusReply.v2","description":"The master answers a status request; `re` names the request.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"statusReply","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"type":"object","required":["processes"],"properties":{"processes":{"maxItems":4096,"type":"array","items":{"additionalProperties":false,"type":"object","required":["pid","group","parentPid","state","registeredAt"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"parentPid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"state":{"description":"`hung`: no heartbeat within the heartbeat timeout.","anyOf":[{"const":"ready","type":"string"},{"const":"hung","type":"string"},{"const":"starting","type":"string"}]},"registeredAt":{"minimum":0,"maximum":9007199254740991,"description":"Milliseconds since the Unix epoch.","type":"integer"},"lastHeartbeat":{"minimum":0,"maximum":9007199254740991,"description":"Milliseconds since the Unix epoch.","type":"integer"},"health":{"additionalProperties":false,"type":"object","required":["parentPid","host","startedAt","uptime","interval","rss","heapUsed","heapTotal","cpu","loopP50","loopP99","loopMax","restarts","stats"],"properties":{"parentPid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"host":{"minLength":1,"maxLength":255,"type":"string"},"startedAt":{"minimum":0,"maximum":9007199254740991,"description":"Milliseconds since the Unix epoch.","type":"integer"},"uptime":{"minimum":0,"maximum":9007199254740991,"description":"Milliseconds.","type":"integer"},"interval":{"minimum":1,"maximum":2147483647,"description":"The sender’s heartbeat interval, in ms.","type":"integer"},"rss":{"minimum":0,"description":"Resident set size, bytes.","type":"integer"},"heapUsed":{"minimum":0,"type":"integer"},"heapTotal":{"minimum":0,"type":"integer"},"cpu":{"minimum":0,"description":"CPU use since the previous heartbeat, percent of one core.","type":"number"},"loopP50":{"minimum":0,"description":"Event-loop delay since the previous heartbeat, 50th percentile, ms.","type":"number"},"loopP99":{"minimum":0,"type":"number"},"loopMax":{"minimum":0,"type":"number"},"restarts":{"minimum":0,"description":"How many times its parent restarted it.","type":"integer"},"stats":{"maxProperties":64,"description":"The sender’s stats counters (see Stats in @clustr/runtime).","type":"object","patternProperties":{"^(.*)$":{"anyOf":[{"minimum":0,"type":"integer"},{"maxProperties":64,"type":"object","patternProperties":{"^(.*)$":{"minimum":0,"type":"integer"}}}]}}}}}}}}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};
const func2 = Object.prototype.hasOwnProperty;
const func3 = require("ajv/dist/runtime/ucs2length").default;
const pattern0 = new RegExp("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])", "u");
const pattern1 = new RegExp("^[A-Za-z0-9_-]{1,32}(?![\\s\\S])", "u");
const pattern24 = new RegExp("^(.*)$", "u");

function validate26(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.statusReply.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate26.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema27.properties, key0))){
validate26.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate26.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate26.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate26.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("statusReply" !== data1){
validate26.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "statusReply"},message:"must be equal to constant"}];
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
validate26.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate26.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate26.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate26.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate26.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate26.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate26.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate26.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate26.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate26.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate26.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate26.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate26.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate26.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate26.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate26.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate26.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate26.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate26.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if(errors === _errs21){
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
let missing2;
if((data9.processes === undefined) && (missing2 = "processes")){
validate26.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/required",keyword:"required",params:{missingProperty: missing2},message:"must have required property '"+missing2+"'"}];
return false;
}
else {
const _errs23 = errors;
for(const key2 in data9){
if(!(key2 === "processes")){
validate26.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs23 === errors){
if(data9.processes !== undefined){
let data10 = data9.processes;
const _errs24 = errors;
if(errors === _errs24){
if(Array.isArray(data10)){
if(data10.length > 4096){
validate26.errors = [{instancePath:instancePath+"/data/processes",schemaPath:"#/properties/data/properties/processes/maxItems",keyword:"maxItems",params:{limit: 4096},message:"must NOT have more than 4096 items"}];
return false;
}
else {
var valid3 = true;
const len0 = data10.length;
for(let i0=0; i0<len0; i0++){
let data11 = data10[i0];
const _errs26 = errors;
if(errors === _errs26){
if(data11 && typeof data11 == "object" && !Array.isArray(data11)){
let missing3;
if((((((data11.pid === undefined) && (missing3 = "pid")) || ((data11.group === undefined) && (missing3 = "group"))) || ((data11.parentPid === undefined) && (missing3 = "parentPid"))) || ((data11.state === undefined) && (missing3 = "state"))) || ((data11.registeredAt === undefined) && (missing3 = "registeredAt"))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0,schemaPath:"#/properties/data/properties/processes/items/required",keyword:"required",params:{missingProperty: missing3},message:"must have required property '"+missing3+"'"}];
return false;
}
else {
const _errs28 = errors;
for(const key3 in data11){
if(!(((((((key3 === "pid") || (key3 === "group")) || (key3 === "parentPid")) || (key3 === "state")) || (key3 === "registeredAt")) || (key3 === "lastHeartbeat")) || (key3 === "health"))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0,schemaPath:"#/properties/data/properties/processes/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs28 === errors){
if(data11.pid !== undefined){
let data12 = data11.pid;
const _errs29 = errors;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/pid",schemaPath:"#/properties/data/properties/processes/items/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs29){
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 2147483647 || isNaN(data12)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/pid",schemaPath:"#/properties/data/properties/processes/items/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data12 < 1 || isNaN(data12)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/pid",schemaPath:"#/properties/data/properties/processes/items/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid4 = _errs29 === errors;
}
else {
var valid4 = true;
}
if(valid4){
if(data11.group !== undefined){
let data13 = data11.group;
const _errs31 = errors;
if(errors === _errs31){
if(typeof data13 === "string"){
if(!pattern0.test(data13)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/group",schemaPath:"#/properties/data/properties/processes/items/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/group",schemaPath:"#/properties/data/properties/processes/items/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid4 = _errs31 === errors;
}
else {
var valid4 = true;
}
if(valid4){
if(data11.parentPid !== undefined){
let data14 = data11.parentPid;
const _errs33 = errors;
if(!(((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14))) && (isFinite(data14)))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/parentPid",schemaPath:"#/properties/data/properties/processes/items/properties/parentPid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs33){
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 > 2147483647 || isNaN(data14)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/parentPid",schemaPath:"#/properties/data/properties/processes/items/properties/parentPid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data14 < 1 || isNaN(data14)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/parentPid",schemaPath:"#/properties/data/properties/processes/items/properties/parentPid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid4 = _errs33 === errors;
}
else {
var valid4 = true;
}
if(valid4){
if(data11.state !== undefined){
let data15 = data11.state;
const _errs35 = errors;
const _errs36 = errors;
let valid5 = false;
const _errs37 = errors;
if(typeof data15 !== "string"){
const err0 = {instancePath:instancePath+"/data/processes/" + i0+"/state",schemaPath:"#/properties/data/properties/processes/items/properties/state/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if("ready" !== data15){
const err1 = {instancePath:instancePath+"/data/processes/" + i0+"/state",schemaPath:"#/properties/data/properties/processes/items/properties/state/anyOf/0/const",keyword:"const",params:{allowedValue: "ready"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
var _valid0 = _errs37 === errors;
valid5 = valid5 || _valid0;
if(!valid5){
const _errs39 = errors;
if(typeof data15 !== "string"){
const err2 = {instancePath:instancePath+"/data/processes/" + i0+"/state",schemaPath:"#/properties/data/properties/processes/items/properties/state/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if("hung" !== data15){
const err3 = {instancePath:instancePath+"/data/processes/" + i0+"/state",schemaPath:"#/properties/data/properties/processes/items/properties/state/anyOf/1/const",keyword:"const",params:{allowedValue: "hung"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
var _valid0 = _errs39 === errors;
valid5 = valid5 || _valid0;
if(!valid5){
const _errs41 = errors;
if(typeof data15 !== "string"){
const err4 = {instancePath:instancePath+"/data/processes/" + i0+"/state",schemaPath:"#/properties/data/properties/processes/items/properties/state/anyOf/2/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if("starting" !== data15){
const err5 = {instancePath:instancePath+"/data/processes/" + i0+"/state",schemaPath:"#/properties/data/properties/processes/items/properties/state/anyOf/2/const",keyword:"const",params:{allowedValue: "starting"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
var _valid0 = _errs41 === errors;
valid5 = valid5 || _valid0;
}
}
if(!valid5){
const err6 = {instancePath:instancePath+"/data/processes/" + i0+"/state",schemaPath:"#/properties/data/properties/processes/items/properties/state/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
validate26.errors = vErrors;
return false;
}
else {
errors = _errs36;
if(vErrors !== null){
if(_errs36){
vErrors.length = _errs36;
}
else {
vErrors = null;
}
}
}
var valid4 = _errs35 === errors;
}
else {
var valid4 = true;
}
if(valid4){
if(data11.registeredAt !== undefined){
let data16 = data11.registeredAt;
const _errs43 = errors;
if(!(((typeof data16 == "number") && (!(data16 % 1) && !isNaN(data16))) && (isFinite(data16)))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/registeredAt",schemaPath:"#/properties/data/properties/processes/items/properties/registeredAt/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs43){
if((typeof data16 == "number") && (isFinite(data16))){
if(data16 > 9007199254740991 || isNaN(data16)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/registeredAt",schemaPath:"#/properties/data/properties/processes/items/properties/registeredAt/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data16 < 0 || isNaN(data16)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/registeredAt",schemaPath:"#/properties/data/properties/processes/items/properties/registeredAt/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid4 = _errs43 === errors;
}
else {
var valid4 = true;
}
if(valid4){
if(data11.lastHeartbeat !== undefined){
let data17 = data11.lastHeartbeat;
const _errs45 = errors;
if(!(((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17))) && (isFinite(data17)))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/lastHeartbeat",schemaPath:"#/properties/data/properties/processes/items/properties/lastHeartbeat/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs45){
if((typeof data17 == "number") && (isFinite(data17))){
if(data17 > 9007199254740991 || isNaN(data17)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/lastHeartbeat",schemaPath:"#/properties/data/properties/processes/items/properties/lastHeartbeat/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data17 < 0 || isNaN(data17)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/lastHeartbeat",schemaPath:"#/properties/data/properties/processes/items/properties/lastHeartbeat/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid4 = _errs45 === errors;
}
else {
var valid4 = true;
}
if(valid4){
if(data11.health !== undefined){
let data18 = data11.health;
const _errs47 = errors;
if(errors === _errs47){
if(data18 && typeof data18 == "object" && !Array.isArray(data18)){
let missing4;
if(((((((((((((((data18.parentPid === undefined) && (missing4 = "parentPid")) || ((data18.host === undefined) && (missing4 = "host"))) || ((data18.startedAt === undefined) && (missing4 = "startedAt"))) || ((data18.uptime === undefined) && (missing4 = "uptime"))) || ((data18.interval === undefined) && (missing4 = "interval"))) || ((data18.rss === undefined) && (missing4 = "rss"))) || ((data18.heapUsed === undefined) && (missing4 = "heapUsed"))) || ((data18.heapTotal === undefined) && (missing4 = "heapTotal"))) || ((data18.cpu === undefined) && (missing4 = "cpu"))) || ((data18.loopP50 === undefined) && (missing4 = "loopP50"))) || ((data18.loopP99 === undefined) && (missing4 = "loopP99"))) || ((data18.loopMax === undefined) && (missing4 = "loopMax"))) || ((data18.restarts === undefined) && (missing4 = "restarts"))) || ((data18.stats === undefined) && (missing4 = "stats"))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health",schemaPath:"#/properties/data/properties/processes/items/properties/health/required",keyword:"required",params:{missingProperty: missing4},message:"must have required property '"+missing4+"'"}];
return false;
}
else {
const _errs49 = errors;
for(const key4 in data18){
if(!(func2.call(schema27.properties.data.properties.processes.items.properties.health.properties, key4))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health",schemaPath:"#/properties/data/properties/processes/items/properties/health/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs49 === errors){
if(data18.parentPid !== undefined){
let data19 = data18.parentPid;
const _errs50 = errors;
if(!(((typeof data19 == "number") && (!(data19 % 1) && !isNaN(data19))) && (isFinite(data19)))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/parentPid",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/parentPid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs50){
if((typeof data19 == "number") && (isFinite(data19))){
if(data19 > 2147483647 || isNaN(data19)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/parentPid",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/parentPid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data19 < 1 || isNaN(data19)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/parentPid",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/parentPid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid6 = _errs50 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data18.host !== undefined){
let data20 = data18.host;
const _errs52 = errors;
if(errors === _errs52){
if(typeof data20 === "string"){
if(data20.length > 255 && func3(data20) > 255){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/host",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data20.length < 1 || (data20.length < 2 * 1 && func3(data20) < 1)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/host",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/host",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid6 = _errs52 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data18.startedAt !== undefined){
let data21 = data18.startedAt;
const _errs54 = errors;
if(!(((typeof data21 == "number") && (!(data21 % 1) && !isNaN(data21))) && (isFinite(data21)))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/startedAt",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/startedAt/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs54){
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 > 9007199254740991 || isNaN(data21)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/startedAt",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/startedAt/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data21 < 0 || isNaN(data21)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/startedAt",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/startedAt/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid6 = _errs54 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data18.uptime !== undefined){
let data22 = data18.uptime;
const _errs56 = errors;
if(!(((typeof data22 == "number") && (!(data22 % 1) && !isNaN(data22))) && (isFinite(data22)))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/uptime",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/uptime/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs56){
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 > 9007199254740991 || isNaN(data22)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/uptime",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/uptime/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data22 < 0 || isNaN(data22)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/uptime",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/uptime/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid6 = _errs56 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data18.interval !== undefined){
let data23 = data18.interval;
const _errs58 = errors;
if(!(((typeof data23 == "number") && (!(data23 % 1) && !isNaN(data23))) && (isFinite(data23)))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/interval",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/interval/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs58){
if((typeof data23 == "number") && (isFinite(data23))){
if(data23 > 2147483647 || isNaN(data23)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/interval",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/interval/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data23 < 1 || isNaN(data23)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/interval",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/interval/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid6 = _errs58 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data18.rss !== undefined){
let data24 = data18.rss;
const _errs60 = errors;
if(!(((typeof data24 == "number") && (!(data24 % 1) && !isNaN(data24))) && (isFinite(data24)))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/rss",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/rss/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs60){
if((typeof data24 == "number") && (isFinite(data24))){
if(data24 < 0 || isNaN(data24)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/rss",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/rss/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
var valid6 = _errs60 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data18.heapUsed !== undefined){
let data25 = data18.heapUsed;
const _errs62 = errors;
if(!(((typeof data25 == "number") && (!(data25 % 1) && !isNaN(data25))) && (isFinite(data25)))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/heapUsed",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/heapUsed/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs62){
if((typeof data25 == "number") && (isFinite(data25))){
if(data25 < 0 || isNaN(data25)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/heapUsed",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/heapUsed/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
var valid6 = _errs62 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data18.heapTotal !== undefined){
let data26 = data18.heapTotal;
const _errs64 = errors;
if(!(((typeof data26 == "number") && (!(data26 % 1) && !isNaN(data26))) && (isFinite(data26)))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/heapTotal",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/heapTotal/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs64){
if((typeof data26 == "number") && (isFinite(data26))){
if(data26 < 0 || isNaN(data26)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/heapTotal",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/heapTotal/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
var valid6 = _errs64 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data18.cpu !== undefined){
let data27 = data18.cpu;
const _errs66 = errors;
if(errors === _errs66){
if((typeof data27 == "number") && (isFinite(data27))){
if(data27 < 0 || isNaN(data27)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/cpu",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/cpu/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
else {
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/cpu",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/cpu/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
}
var valid6 = _errs66 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data18.loopP50 !== undefined){
let data28 = data18.loopP50;
const _errs68 = errors;
if(errors === _errs68){
if((typeof data28 == "number") && (isFinite(data28))){
if(data28 < 0 || isNaN(data28)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/loopP50",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/loopP50/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
else {
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/loopP50",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/loopP50/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
}
var valid6 = _errs68 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data18.loopP99 !== undefined){
let data29 = data18.loopP99;
const _errs70 = errors;
if(errors === _errs70){
if((typeof data29 == "number") && (isFinite(data29))){
if(data29 < 0 || isNaN(data29)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/loopP99",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/loopP99/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
else {
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/loopP99",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/loopP99/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
}
var valid6 = _errs70 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data18.loopMax !== undefined){
let data30 = data18.loopMax;
const _errs72 = errors;
if(errors === _errs72){
if((typeof data30 == "number") && (isFinite(data30))){
if(data30 < 0 || isNaN(data30)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/loopMax",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/loopMax/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
else {
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/loopMax",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/loopMax/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
}
var valid6 = _errs72 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data18.restarts !== undefined){
let data31 = data18.restarts;
const _errs74 = errors;
if(!(((typeof data31 == "number") && (!(data31 % 1) && !isNaN(data31))) && (isFinite(data31)))){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/restarts",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/restarts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs74){
if((typeof data31 == "number") && (isFinite(data31))){
if(data31 < 0 || isNaN(data31)){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/restarts",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/restarts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
var valid6 = _errs74 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data18.stats !== undefined){
let data32 = data18.stats;
const _errs76 = errors;
if(errors === _errs76){
if(data32 && typeof data32 == "object" && !Array.isArray(data32)){
if(Object.keys(data32).length > 64){
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/stats",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/stats/maxProperties",keyword:"maxProperties",params:{limit: 64},message:"must NOT have more than 64 properties"}];
return false;
}
else {
var valid7 = true;
for(const key5 in data32){
if(pattern24.test(key5)){
let data33 = data32[key5];
const _errs78 = errors;
const _errs79 = errors;
let valid8 = false;
const _errs80 = errors;
if(!(((typeof data33 == "number") && (!(data33 % 1) && !isNaN(data33))) && (isFinite(data33)))){
const err7 = {instancePath:instancePath+"/data/processes/" + i0+"/health/stats/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/stats/patternProperties/%5E(.*)%24/anyOf/0/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(errors === _errs80){
if((typeof data33 == "number") && (isFinite(data33))){
if(data33 < 0 || isNaN(data33)){
const err8 = {instancePath:instancePath+"/data/processes/" + i0+"/health/stats/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/stats/patternProperties/%5E(.*)%24/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
}
var _valid1 = _errs80 === errors;
valid8 = valid8 || _valid1;
if(!valid8){
const _errs82 = errors;
if(errors === _errs82){
if(data33 && typeof data33 == "object" && !Array.isArray(data33)){
if(Object.keys(data33).length > 64){
const err9 = {instancePath:instancePath+"/data/processes/" + i0+"/health/stats/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/stats/patternProperties/%5E(.*)%24/anyOf/1/maxProperties",keyword:"maxProperties",params:{limit: 64},message:"must NOT have more than 64 properties"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
else {
var valid9 = true;
for(const key6 in data33){
if(pattern24.test(key6)){
let data34 = data33[key6];
const _errs84 = errors;
if(!(((typeof data34 == "number") && (!(data34 % 1) && !isNaN(data34))) && (isFinite(data34)))){
const err10 = {instancePath:instancePath+"/data/processes/" + i0+"/health/stats/" + key5.replace(/~/g, "~0").replace(/\//g, "~1")+"/" + key6.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/stats/patternProperties/%5E(.*)%24/anyOf/1/patternProperties/%5E(.*)%24/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(errors === _errs84){
if((typeof data34 == "number") && (isFinite(data34))){
if(data34 < 0 || isNaN(data34)){
const err11 = {instancePath:instancePath+"/data/processes/" + i0+"/health/stats/" + key5.replace(/~/g, "~0").replace(/\//g, "~1")+"/" + key6.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/stats/patternProperties/%5E(.*)%24/anyOf/1/patternProperties/%5E(.*)%24/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
var valid9 = _errs84 === errors;
if(!valid9){
break;
}
}
}
}
}
else {
const err12 = {instancePath:instancePath+"/data/processes/" + i0+"/health/stats/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/stats/patternProperties/%5E(.*)%24/anyOf/1/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
var _valid1 = _errs82 === errors;
valid8 = valid8 || _valid1;
}
if(!valid8){
const err13 = {instancePath:instancePath+"/data/processes/" + i0+"/health/stats/" + key5.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/stats/patternProperties/%5E(.*)%24/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
validate26.errors = vErrors;
return false;
}
else {
errors = _errs79;
if(vErrors !== null){
if(_errs79){
vErrors.length = _errs79;
}
else {
vErrors = null;
}
}
}
var valid7 = _errs78 === errors;
if(!valid7){
break;
}
}
}
}
}
else {
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health/stats",schemaPath:"#/properties/data/properties/processes/items/properties/health/properties/stats/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid6 = _errs76 === errors;
}
else {
var valid6 = true;
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
}
}
}
}
}
else {
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0+"/health",schemaPath:"#/properties/data/properties/processes/items/properties/health/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid4 = _errs47 === errors;
}
else {
var valid4 = true;
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
validate26.errors = [{instancePath:instancePath+"/data/processes/" + i0,schemaPath:"#/properties/data/properties/processes/items/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid3 = _errs26 === errors;
if(!valid3){
break;
}
}
}
}
else {
validate26.errors = [{instancePath:instancePath+"/data/processes",schemaPath:"#/properties/data/properties/processes/type",keyword:"type",params:{type: "array"},message:"must be array"}];
return false;
}
}
}
}
}
}
else {
validate26.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data35 = data.re;
const _errs86 = errors;
if(errors === _errs86){
if(typeof data35 === "string"){
if(data35.length > 64 && func3(data35) > 64){
validate26.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data35.length < 1 || (data35.length < 2 * 1 && func3(data35) < 1)){
validate26.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate26.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs86 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data36 = data.ts;
const _errs88 = errors;
if(!(((typeof data36 == "number") && (!(data36 % 1) && !isNaN(data36))) && (isFinite(data36)))){
validate26.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs88){
if((typeof data36 == "number") && (isFinite(data36))){
if(data36 > 9007199254740991 || isNaN(data36)){
validate26.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data36 < 0 || isNaN(data36)){
validate26.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs88 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data37 = data.sig;
const _errs90 = errors;
if(errors === _errs90){
if(typeof data37 === "string"){
if(data37.length > 512 && func3(data37) > 512){
validate26.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data37.length < 1 || (data37.length < 2 * 1 && func3(data37) < 1)){
validate26.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate26.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs90 === errors;
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
validate26.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate26.errors = vErrors;
return errors === 0;
}

