// Generated from the TypeBox schemas in src/schema.ts by `pnpm schema`. Do not edit.
// A test fails while this file is out of date.
// Ajv's standalone code: compiling at build time keeps Ajv's compiler and TypeBox out of every process's start-up.
/* eslint-disable */
"use strict";
exports.validate = validate20;
const schema21 = {"additionalProperties":false,"$id":"clustr.frame.heartbeat.v2","description":"A registered process is alive: its health, to the master (and to its parent when that is not the master).","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"heartbeat","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"type":"object","required":["parentPid","host","startedAt","uptime","interval","rss","heapUsed","heapTotal","cpu","loopP50","loopP99","loopMax","restarts","stats"],"properties":{"parentPid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"host":{"minLength":1,"maxLength":255,"type":"string"},"startedAt":{"minimum":0,"maximum":9007199254740991,"description":"Milliseconds since the Unix epoch.","type":"integer"},"uptime":{"minimum":0,"maximum":9007199254740991,"description":"Milliseconds.","type":"integer"},"interval":{"minimum":1,"maximum":2147483647,"description":"The sender’s heartbeat interval, in ms.","type":"integer"},"rss":{"minimum":0,"description":"Resident set size, bytes.","type":"integer"},"heapUsed":{"minimum":0,"type":"integer"},"heapTotal":{"minimum":0,"type":"integer"},"cpu":{"minimum":0,"description":"CPU use since the previous heartbeat, percent of one core.","type":"number"},"loopP50":{"minimum":0,"description":"Event-loop delay since the previous heartbeat, 50th percentile, ms.","type":"number"},"loopP99":{"minimum":0,"type":"number"},"loopMax":{"minimum":0,"type":"number"},"restarts":{"minimum":0,"description":"How many times its parent restarted it.","type":"integer"},"stats":{"maxProperties":64,"description":"The sender’s stats counters (see Stats in @clustr/runtime).","type":"object","patternProperties":{"^(.*)$":{"anyOf":[{"minimum":0,"type":"integer"},{"maxProperties":64,"type":"object","patternProperties":{"^(.*)$":{"minimum":0,"type":"integer"}}}]}}}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};
const func2 = Object.prototype.hasOwnProperty;
const func3 = require("ajv/dist/runtime/ucs2length").default;
const pattern0 = new RegExp("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])", "u");
const pattern1 = new RegExp("^[A-Za-z0-9_-]{1,32}(?![\\s\\S])", "u");
const pattern24 = new RegExp("^(.*)$", "u");

function validate20(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.heartbeat.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate20.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema21.properties, key0))){
validate20.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate20.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate20.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate20.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("heartbeat" !== data1){
validate20.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "heartbeat"},message:"must be equal to constant"}];
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
validate20.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate20.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate20.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate20.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate20.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate20.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate20.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate20.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate20.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate20.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate20.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate20.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate20.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate20.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate20.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate20.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate20.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate20.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate20.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if(((((((((((((((data9.parentPid === undefined) && (missing2 = "parentPid")) || ((data9.host === undefined) && (missing2 = "host"))) || ((data9.startedAt === undefined) && (missing2 = "startedAt"))) || ((data9.uptime === undefined) && (missing2 = "uptime"))) || ((data9.interval === undefined) && (missing2 = "interval"))) || ((data9.rss === undefined) && (missing2 = "rss"))) || ((data9.heapUsed === undefined) && (missing2 = "heapUsed"))) || ((data9.heapTotal === undefined) && (missing2 = "heapTotal"))) || ((data9.cpu === undefined) && (missing2 = "cpu"))) || ((data9.loopP50 === undefined) && (missing2 = "loopP50"))) || ((data9.loopP99 === undefined) && (missing2 = "loopP99"))) || ((data9.loopMax === undefined) && (missing2 = "loopMax"))) || ((data9.restarts === undefined) && (missing2 = "restarts"))) || ((data9.stats === undefined) && (missing2 = "stats"))){
validate20.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/required",keyword:"required",params:{missingProperty: missing2},message:"must have required property '"+missing2+"'"}];
return false;
}
else {
const _errs23 = errors;
for(const key2 in data9){
if(!(func2.call(schema21.properties.data.properties, key2))){
validate20.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs23 === errors){
if(data9.parentPid !== undefined){
let data10 = data9.parentPid;
const _errs24 = errors;
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
validate20.errors = [{instancePath:instancePath+"/data/parentPid",schemaPath:"#/properties/data/properties/parentPid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs24){
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 2147483647 || isNaN(data10)){
validate20.errors = [{instancePath:instancePath+"/data/parentPid",schemaPath:"#/properties/data/properties/parentPid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data10 < 1 || isNaN(data10)){
validate20.errors = [{instancePath:instancePath+"/data/parentPid",schemaPath:"#/properties/data/properties/parentPid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid2 = _errs24 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.host !== undefined){
let data11 = data9.host;
const _errs26 = errors;
if(errors === _errs26){
if(typeof data11 === "string"){
if(data11.length > 255 && func3(data11) > 255){
validate20.errors = [{instancePath:instancePath+"/data/host",schemaPath:"#/properties/data/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data11.length < 1 || (data11.length < 2 * 1 && func3(data11) < 1)){
validate20.errors = [{instancePath:instancePath+"/data/host",schemaPath:"#/properties/data/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate20.errors = [{instancePath:instancePath+"/data/host",schemaPath:"#/properties/data/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid2 = _errs26 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.startedAt !== undefined){
let data12 = data9.startedAt;
const _errs28 = errors;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
validate20.errors = [{instancePath:instancePath+"/data/startedAt",schemaPath:"#/properties/data/properties/startedAt/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs28){
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 9007199254740991 || isNaN(data12)){
validate20.errors = [{instancePath:instancePath+"/data/startedAt",schemaPath:"#/properties/data/properties/startedAt/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data12 < 0 || isNaN(data12)){
validate20.errors = [{instancePath:instancePath+"/data/startedAt",schemaPath:"#/properties/data/properties/startedAt/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid2 = _errs28 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.uptime !== undefined){
let data13 = data9.uptime;
const _errs30 = errors;
if(!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))){
validate20.errors = [{instancePath:instancePath+"/data/uptime",schemaPath:"#/properties/data/properties/uptime/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs30){
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 > 9007199254740991 || isNaN(data13)){
validate20.errors = [{instancePath:instancePath+"/data/uptime",schemaPath:"#/properties/data/properties/uptime/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data13 < 0 || isNaN(data13)){
validate20.errors = [{instancePath:instancePath+"/data/uptime",schemaPath:"#/properties/data/properties/uptime/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid2 = _errs30 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.interval !== undefined){
let data14 = data9.interval;
const _errs32 = errors;
if(!(((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14))) && (isFinite(data14)))){
validate20.errors = [{instancePath:instancePath+"/data/interval",schemaPath:"#/properties/data/properties/interval/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs32){
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 > 2147483647 || isNaN(data14)){
validate20.errors = [{instancePath:instancePath+"/data/interval",schemaPath:"#/properties/data/properties/interval/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data14 < 1 || isNaN(data14)){
validate20.errors = [{instancePath:instancePath+"/data/interval",schemaPath:"#/properties/data/properties/interval/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid2 = _errs32 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.rss !== undefined){
let data15 = data9.rss;
const _errs34 = errors;
if(!(((typeof data15 == "number") && (!(data15 % 1) && !isNaN(data15))) && (isFinite(data15)))){
validate20.errors = [{instancePath:instancePath+"/data/rss",schemaPath:"#/properties/data/properties/rss/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs34){
if((typeof data15 == "number") && (isFinite(data15))){
if(data15 < 0 || isNaN(data15)){
validate20.errors = [{instancePath:instancePath+"/data/rss",schemaPath:"#/properties/data/properties/rss/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
var valid2 = _errs34 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.heapUsed !== undefined){
let data16 = data9.heapUsed;
const _errs36 = errors;
if(!(((typeof data16 == "number") && (!(data16 % 1) && !isNaN(data16))) && (isFinite(data16)))){
validate20.errors = [{instancePath:instancePath+"/data/heapUsed",schemaPath:"#/properties/data/properties/heapUsed/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs36){
if((typeof data16 == "number") && (isFinite(data16))){
if(data16 < 0 || isNaN(data16)){
validate20.errors = [{instancePath:instancePath+"/data/heapUsed",schemaPath:"#/properties/data/properties/heapUsed/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
var valid2 = _errs36 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.heapTotal !== undefined){
let data17 = data9.heapTotal;
const _errs38 = errors;
if(!(((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17))) && (isFinite(data17)))){
validate20.errors = [{instancePath:instancePath+"/data/heapTotal",schemaPath:"#/properties/data/properties/heapTotal/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs38){
if((typeof data17 == "number") && (isFinite(data17))){
if(data17 < 0 || isNaN(data17)){
validate20.errors = [{instancePath:instancePath+"/data/heapTotal",schemaPath:"#/properties/data/properties/heapTotal/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
var valid2 = _errs38 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.cpu !== undefined){
let data18 = data9.cpu;
const _errs40 = errors;
if(errors === _errs40){
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 < 0 || isNaN(data18)){
validate20.errors = [{instancePath:instancePath+"/data/cpu",schemaPath:"#/properties/data/properties/cpu/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
else {
validate20.errors = [{instancePath:instancePath+"/data/cpu",schemaPath:"#/properties/data/properties/cpu/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
}
var valid2 = _errs40 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.loopP50 !== undefined){
let data19 = data9.loopP50;
const _errs42 = errors;
if(errors === _errs42){
if((typeof data19 == "number") && (isFinite(data19))){
if(data19 < 0 || isNaN(data19)){
validate20.errors = [{instancePath:instancePath+"/data/loopP50",schemaPath:"#/properties/data/properties/loopP50/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
else {
validate20.errors = [{instancePath:instancePath+"/data/loopP50",schemaPath:"#/properties/data/properties/loopP50/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
}
var valid2 = _errs42 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.loopP99 !== undefined){
let data20 = data9.loopP99;
const _errs44 = errors;
if(errors === _errs44){
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 < 0 || isNaN(data20)){
validate20.errors = [{instancePath:instancePath+"/data/loopP99",schemaPath:"#/properties/data/properties/loopP99/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
else {
validate20.errors = [{instancePath:instancePath+"/data/loopP99",schemaPath:"#/properties/data/properties/loopP99/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
}
var valid2 = _errs44 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.loopMax !== undefined){
let data21 = data9.loopMax;
const _errs46 = errors;
if(errors === _errs46){
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 < 0 || isNaN(data21)){
validate20.errors = [{instancePath:instancePath+"/data/loopMax",schemaPath:"#/properties/data/properties/loopMax/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
else {
validate20.errors = [{instancePath:instancePath+"/data/loopMax",schemaPath:"#/properties/data/properties/loopMax/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
}
var valid2 = _errs46 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.restarts !== undefined){
let data22 = data9.restarts;
const _errs48 = errors;
if(!(((typeof data22 == "number") && (!(data22 % 1) && !isNaN(data22))) && (isFinite(data22)))){
validate20.errors = [{instancePath:instancePath+"/data/restarts",schemaPath:"#/properties/data/properties/restarts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs48){
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 < 0 || isNaN(data22)){
validate20.errors = [{instancePath:instancePath+"/data/restarts",schemaPath:"#/properties/data/properties/restarts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
var valid2 = _errs48 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.stats !== undefined){
let data23 = data9.stats;
const _errs50 = errors;
if(errors === _errs50){
if(data23 && typeof data23 == "object" && !Array.isArray(data23)){
if(Object.keys(data23).length > 64){
validate20.errors = [{instancePath:instancePath+"/data/stats",schemaPath:"#/properties/data/properties/stats/maxProperties",keyword:"maxProperties",params:{limit: 64},message:"must NOT have more than 64 properties"}];
return false;
}
else {
var valid3 = true;
for(const key3 in data23){
if(pattern24.test(key3)){
let data24 = data23[key3];
const _errs52 = errors;
const _errs53 = errors;
let valid4 = false;
const _errs54 = errors;
if(!(((typeof data24 == "number") && (!(data24 % 1) && !isNaN(data24))) && (isFinite(data24)))){
const err0 = {instancePath:instancePath+"/data/stats/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/stats/patternProperties/%5E(.*)%24/anyOf/0/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(errors === _errs54){
if((typeof data24 == "number") && (isFinite(data24))){
if(data24 < 0 || isNaN(data24)){
const err1 = {instancePath:instancePath+"/data/stats/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/stats/patternProperties/%5E(.*)%24/anyOf/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
}
var _valid0 = _errs54 === errors;
valid4 = valid4 || _valid0;
if(!valid4){
const _errs56 = errors;
if(errors === _errs56){
if(data24 && typeof data24 == "object" && !Array.isArray(data24)){
if(Object.keys(data24).length > 64){
const err2 = {instancePath:instancePath+"/data/stats/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/stats/patternProperties/%5E(.*)%24/anyOf/1/maxProperties",keyword:"maxProperties",params:{limit: 64},message:"must NOT have more than 64 properties"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
else {
var valid5 = true;
for(const key4 in data24){
if(pattern24.test(key4)){
let data25 = data24[key4];
const _errs58 = errors;
if(!(((typeof data25 == "number") && (!(data25 % 1) && !isNaN(data25))) && (isFinite(data25)))){
const err3 = {instancePath:instancePath+"/data/stats/" + key3.replace(/~/g, "~0").replace(/\//g, "~1")+"/" + key4.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/stats/patternProperties/%5E(.*)%24/anyOf/1/patternProperties/%5E(.*)%24/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(errors === _errs58){
if((typeof data25 == "number") && (isFinite(data25))){
if(data25 < 0 || isNaN(data25)){
const err4 = {instancePath:instancePath+"/data/stats/" + key3.replace(/~/g, "~0").replace(/\//g, "~1")+"/" + key4.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/stats/patternProperties/%5E(.*)%24/anyOf/1/patternProperties/%5E(.*)%24/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
}
var valid5 = _errs58 === errors;
if(!valid5){
break;
}
}
}
}
}
else {
const err5 = {instancePath:instancePath+"/data/stats/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/stats/patternProperties/%5E(.*)%24/anyOf/1/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
var _valid0 = _errs56 === errors;
valid4 = valid4 || _valid0;
}
if(!valid4){
const err6 = {instancePath:instancePath+"/data/stats/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/properties/stats/patternProperties/%5E(.*)%24/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
validate20.errors = vErrors;
return false;
}
else {
errors = _errs53;
if(vErrors !== null){
if(_errs53){
vErrors.length = _errs53;
}
else {
vErrors = null;
}
}
}
var valid3 = _errs52 === errors;
if(!valid3){
break;
}
}
}
}
}
else {
validate20.errors = [{instancePath:instancePath+"/data/stats",schemaPath:"#/properties/data/properties/stats/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid2 = _errs50 === errors;
}
else {
var valid2 = true;
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
validate20.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data26 = data.re;
const _errs60 = errors;
if(errors === _errs60){
if(typeof data26 === "string"){
if(data26.length > 64 && func3(data26) > 64){
validate20.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data26.length < 1 || (data26.length < 2 * 1 && func3(data26) < 1)){
validate20.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate20.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs60 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data27 = data.ts;
const _errs62 = errors;
if(!(((typeof data27 == "number") && (!(data27 % 1) && !isNaN(data27))) && (isFinite(data27)))){
validate20.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs62){
if((typeof data27 == "number") && (isFinite(data27))){
if(data27 > 9007199254740991 || isNaN(data27)){
validate20.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data27 < 0 || isNaN(data27)){
validate20.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs62 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data28 = data.sig;
const _errs64 = errors;
if(errors === _errs64){
if(typeof data28 === "string"){
if(data28.length > 512 && func3(data28) > 512){
validate20.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data28.length < 1 || (data28.length < 2 * 1 && func3(data28) < 1)){
validate20.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate20.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs64 === errors;
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
validate20.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate20.errors = vErrors;
return errors === 0;
}

