// Generated from the TypeBox schemas in src/schema.ts by `pnpm schema`. Do not edit.
// A test fails while this file is out of date.
// Ajv's standalone code: compiling at build time keeps Ajv's compiler and TypeBox out of every process's start-up.
/* eslint-disable */
"use strict";
exports.validate = validate28;
const schema29 = {"additionalProperties":false,"$id":"clustr.frame.commandReply.v2","description":"Progress of a command, from the master to the requester; `re` names the command.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"commandReply","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"type":"object","required":["event"],"properties":{"event":{"type":"string"}},"discriminator":{"propertyName":"event"},"oneOf":[{"additionalProperties":false,"type":"object","required":["event","action"],"properties":{"event":{"const":"accepted","type":"string"},"action":{"anyOf":[{"const":"reload","type":"string"},{"const":"stop","type":"string"}]}}},{"additionalProperties":false,"type":"object","required":["event","from","to"],"properties":{"event":{"const":"replaced","type":"string"},"from":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"to":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"}}},{"additionalProperties":false,"type":"object","required":["event","ok","replaced"],"properties":{"event":{"const":"reloaded","type":"string"},"ok":{"type":"boolean"},"replaced":{"maxItems":4096,"type":"array","items":{"additionalProperties":false,"type":"object","required":["from","to"],"properties":{"from":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"to":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"}}}},"failure":{"additionalProperties":false,"type":"object","required":["reason","pid"],"properties":{"reason":{"minLength":1,"maxLength":64,"type":"string"},"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"}}}}},{"additionalProperties":false,"type":"object","required":["event","code"],"properties":{"event":{"const":"stopped","type":"string"},"code":{"minimum":0,"maximum":255,"type":"integer"}}},{"additionalProperties":false,"type":"object","required":["event","reason"],"properties":{"event":{"const":"refused","type":"string"},"reason":{"minLength":1,"maxLength":256,"type":"string"}}}]},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};
const func2 = Object.prototype.hasOwnProperty;
const func3 = require("ajv/dist/runtime/ucs2length").default;
const pattern0 = new RegExp("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])", "u");
const pattern1 = new RegExp("^[A-Za-z0-9_-]{1,32}(?![\\s\\S])", "u");

function validate28(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.commandReply.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate28.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema29.properties, key0))){
validate28.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate28.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate28.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate28.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("commandReply" !== data1){
validate28.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "commandReply"},message:"must be equal to constant"}];
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
validate28.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate28.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate28.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate28.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate28.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate28.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate28.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate28.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate28.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate28.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate28.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate28.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate28.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate28.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate28.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate28.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate28.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if((data9.event === undefined) && (missing2 = "event")){
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/required",keyword:"required",params:{missingProperty: missing2},message:"must have required property '"+missing2+"'"}];
return false;
}
else {
if(data9.event !== undefined){
const _errs24 = errors;
if(typeof data9.event !== "string"){
validate28.errors = [{instancePath:instancePath+"/data/event",schemaPath:"#/properties/data/properties/event/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
var valid2 = _errs24 === errors;
}
else {
var valid2 = true;
}
if(valid2){
const tag0 = data9.event;
if(typeof tag0 == "string"){
if(tag0 === "accepted"){
const _errs26 = errors;
if(errors === _errs26){
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
let missing3;
if(((data9.event === undefined) && (missing3 = "event")) || ((data9.action === undefined) && (missing3 = "action"))){
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/0/required",keyword:"required",params:{missingProperty: missing3},message:"must have required property '"+missing3+"'"}];
return false;
}
else {
const _errs28 = errors;
for(const key2 in data9){
if(!((key2 === "event") || (key2 === "action"))){
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/0/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs28 === errors){
if(data9.event !== undefined){
let data11 = data9.event;
const _errs29 = errors;
if(typeof data11 !== "string"){
validate28.errors = [{instancePath:instancePath+"/data/event",schemaPath:"#/properties/data/oneOf/0/properties/event/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("accepted" !== data11){
validate28.errors = [{instancePath:instancePath+"/data/event",schemaPath:"#/properties/data/oneOf/0/properties/event/const",keyword:"const",params:{allowedValue: "accepted"},message:"must be equal to constant"}];
return false;
}
var valid5 = _errs29 === errors;
}
else {
var valid5 = true;
}
if(valid5){
if(data9.action !== undefined){
let data12 = data9.action;
const _errs31 = errors;
const _errs32 = errors;
let valid6 = false;
const _errs33 = errors;
if(typeof data12 !== "string"){
const err0 = {instancePath:instancePath+"/data/action",schemaPath:"#/properties/data/oneOf/0/properties/action/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if("reload" !== data12){
const err1 = {instancePath:instancePath+"/data/action",schemaPath:"#/properties/data/oneOf/0/properties/action/anyOf/0/const",keyword:"const",params:{allowedValue: "reload"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
var _valid0 = _errs33 === errors;
valid6 = valid6 || _valid0;
if(!valid6){
const _errs35 = errors;
if(typeof data12 !== "string"){
const err2 = {instancePath:instancePath+"/data/action",schemaPath:"#/properties/data/oneOf/0/properties/action/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if("stop" !== data12){
const err3 = {instancePath:instancePath+"/data/action",schemaPath:"#/properties/data/oneOf/0/properties/action/anyOf/1/const",keyword:"const",params:{allowedValue: "stop"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
var _valid0 = _errs35 === errors;
valid6 = valid6 || _valid0;
}
if(!valid6){
const err4 = {instancePath:instancePath+"/data/action",schemaPath:"#/properties/data/oneOf/0/properties/action/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
validate28.errors = vErrors;
return false;
}
else {
errors = _errs32;
if(vErrors !== null){
if(_errs32){
vErrors.length = _errs32;
}
else {
vErrors = null;
}
}
}
var valid5 = _errs31 === errors;
}
else {
var valid5 = true;
}
}
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/0/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
}
else if(tag0 === "replaced"){
const _errs37 = errors;
if(errors === _errs37){
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
let missing4;
if((((data9.event === undefined) && (missing4 = "event")) || ((data9.from === undefined) && (missing4 = "from"))) || ((data9.to === undefined) && (missing4 = "to"))){
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/1/required",keyword:"required",params:{missingProperty: missing4},message:"must have required property '"+missing4+"'"}];
return false;
}
else {
const _errs39 = errors;
for(const key3 in data9){
if(!(((key3 === "event") || (key3 === "from")) || (key3 === "to"))){
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/1/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs39 === errors){
if(data9.event !== undefined){
let data13 = data9.event;
const _errs40 = errors;
if(typeof data13 !== "string"){
validate28.errors = [{instancePath:instancePath+"/data/event",schemaPath:"#/properties/data/oneOf/1/properties/event/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("replaced" !== data13){
validate28.errors = [{instancePath:instancePath+"/data/event",schemaPath:"#/properties/data/oneOf/1/properties/event/const",keyword:"const",params:{allowedValue: "replaced"},message:"must be equal to constant"}];
return false;
}
var valid8 = _errs40 === errors;
}
else {
var valid8 = true;
}
if(valid8){
if(data9.from !== undefined){
let data14 = data9.from;
const _errs42 = errors;
if(!(((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14))) && (isFinite(data14)))){
validate28.errors = [{instancePath:instancePath+"/data/from",schemaPath:"#/properties/data/oneOf/1/properties/from/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs42){
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 > 2147483647 || isNaN(data14)){
validate28.errors = [{instancePath:instancePath+"/data/from",schemaPath:"#/properties/data/oneOf/1/properties/from/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data14 < 1 || isNaN(data14)){
validate28.errors = [{instancePath:instancePath+"/data/from",schemaPath:"#/properties/data/oneOf/1/properties/from/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid8 = _errs42 === errors;
}
else {
var valid8 = true;
}
if(valid8){
if(data9.to !== undefined){
let data15 = data9.to;
const _errs44 = errors;
if(!(((typeof data15 == "number") && (!(data15 % 1) && !isNaN(data15))) && (isFinite(data15)))){
validate28.errors = [{instancePath:instancePath+"/data/to",schemaPath:"#/properties/data/oneOf/1/properties/to/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs44){
if((typeof data15 == "number") && (isFinite(data15))){
if(data15 > 2147483647 || isNaN(data15)){
validate28.errors = [{instancePath:instancePath+"/data/to",schemaPath:"#/properties/data/oneOf/1/properties/to/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data15 < 1 || isNaN(data15)){
validate28.errors = [{instancePath:instancePath+"/data/to",schemaPath:"#/properties/data/oneOf/1/properties/to/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid8 = _errs44 === errors;
}
else {
var valid8 = true;
}
}
}
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/1/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
}
else if(tag0 === "reloaded"){
const _errs46 = errors;
if(errors === _errs46){
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
let missing5;
if((((data9.event === undefined) && (missing5 = "event")) || ((data9.ok === undefined) && (missing5 = "ok"))) || ((data9.replaced === undefined) && (missing5 = "replaced"))){
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/2/required",keyword:"required",params:{missingProperty: missing5},message:"must have required property '"+missing5+"'"}];
return false;
}
else {
const _errs48 = errors;
for(const key4 in data9){
if(!((((key4 === "event") || (key4 === "ok")) || (key4 === "replaced")) || (key4 === "failure"))){
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/2/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs48 === errors){
if(data9.event !== undefined){
let data16 = data9.event;
const _errs49 = errors;
if(typeof data16 !== "string"){
validate28.errors = [{instancePath:instancePath+"/data/event",schemaPath:"#/properties/data/oneOf/2/properties/event/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("reloaded" !== data16){
validate28.errors = [{instancePath:instancePath+"/data/event",schemaPath:"#/properties/data/oneOf/2/properties/event/const",keyword:"const",params:{allowedValue: "reloaded"},message:"must be equal to constant"}];
return false;
}
var valid10 = _errs49 === errors;
}
else {
var valid10 = true;
}
if(valid10){
if(data9.ok !== undefined){
const _errs51 = errors;
if(typeof data9.ok !== "boolean"){
validate28.errors = [{instancePath:instancePath+"/data/ok",schemaPath:"#/properties/data/oneOf/2/properties/ok/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"}];
return false;
}
var valid10 = _errs51 === errors;
}
else {
var valid10 = true;
}
if(valid10){
if(data9.replaced !== undefined){
let data18 = data9.replaced;
const _errs53 = errors;
if(errors === _errs53){
if(Array.isArray(data18)){
if(data18.length > 4096){
validate28.errors = [{instancePath:instancePath+"/data/replaced",schemaPath:"#/properties/data/oneOf/2/properties/replaced/maxItems",keyword:"maxItems",params:{limit: 4096},message:"must NOT have more than 4096 items"}];
return false;
}
else {
var valid11 = true;
const len0 = data18.length;
for(let i0=0; i0<len0; i0++){
let data19 = data18[i0];
const _errs55 = errors;
if(errors === _errs55){
if(data19 && typeof data19 == "object" && !Array.isArray(data19)){
let missing6;
if(((data19.from === undefined) && (missing6 = "from")) || ((data19.to === undefined) && (missing6 = "to"))){
validate28.errors = [{instancePath:instancePath+"/data/replaced/" + i0,schemaPath:"#/properties/data/oneOf/2/properties/replaced/items/required",keyword:"required",params:{missingProperty: missing6},message:"must have required property '"+missing6+"'"}];
return false;
}
else {
const _errs57 = errors;
for(const key5 in data19){
if(!((key5 === "from") || (key5 === "to"))){
validate28.errors = [{instancePath:instancePath+"/data/replaced/" + i0,schemaPath:"#/properties/data/oneOf/2/properties/replaced/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs57 === errors){
if(data19.from !== undefined){
let data20 = data19.from;
const _errs58 = errors;
if(!(((typeof data20 == "number") && (!(data20 % 1) && !isNaN(data20))) && (isFinite(data20)))){
validate28.errors = [{instancePath:instancePath+"/data/replaced/" + i0+"/from",schemaPath:"#/properties/data/oneOf/2/properties/replaced/items/properties/from/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs58){
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 > 2147483647 || isNaN(data20)){
validate28.errors = [{instancePath:instancePath+"/data/replaced/" + i0+"/from",schemaPath:"#/properties/data/oneOf/2/properties/replaced/items/properties/from/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data20 < 1 || isNaN(data20)){
validate28.errors = [{instancePath:instancePath+"/data/replaced/" + i0+"/from",schemaPath:"#/properties/data/oneOf/2/properties/replaced/items/properties/from/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid12 = _errs58 === errors;
}
else {
var valid12 = true;
}
if(valid12){
if(data19.to !== undefined){
let data21 = data19.to;
const _errs60 = errors;
if(!(((typeof data21 == "number") && (!(data21 % 1) && !isNaN(data21))) && (isFinite(data21)))){
validate28.errors = [{instancePath:instancePath+"/data/replaced/" + i0+"/to",schemaPath:"#/properties/data/oneOf/2/properties/replaced/items/properties/to/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs60){
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 > 2147483647 || isNaN(data21)){
validate28.errors = [{instancePath:instancePath+"/data/replaced/" + i0+"/to",schemaPath:"#/properties/data/oneOf/2/properties/replaced/items/properties/to/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data21 < 1 || isNaN(data21)){
validate28.errors = [{instancePath:instancePath+"/data/replaced/" + i0+"/to",schemaPath:"#/properties/data/oneOf/2/properties/replaced/items/properties/to/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid12 = _errs60 === errors;
}
else {
var valid12 = true;
}
}
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/data/replaced/" + i0,schemaPath:"#/properties/data/oneOf/2/properties/replaced/items/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid11 = _errs55 === errors;
if(!valid11){
break;
}
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/data/replaced",schemaPath:"#/properties/data/oneOf/2/properties/replaced/type",keyword:"type",params:{type: "array"},message:"must be array"}];
return false;
}
}
var valid10 = _errs53 === errors;
}
else {
var valid10 = true;
}
if(valid10){
if(data9.failure !== undefined){
let data22 = data9.failure;
const _errs62 = errors;
if(errors === _errs62){
if(data22 && typeof data22 == "object" && !Array.isArray(data22)){
let missing7;
if(((data22.reason === undefined) && (missing7 = "reason")) || ((data22.pid === undefined) && (missing7 = "pid"))){
validate28.errors = [{instancePath:instancePath+"/data/failure",schemaPath:"#/properties/data/oneOf/2/properties/failure/required",keyword:"required",params:{missingProperty: missing7},message:"must have required property '"+missing7+"'"}];
return false;
}
else {
const _errs64 = errors;
for(const key6 in data22){
if(!((key6 === "reason") || (key6 === "pid"))){
validate28.errors = [{instancePath:instancePath+"/data/failure",schemaPath:"#/properties/data/oneOf/2/properties/failure/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs64 === errors){
if(data22.reason !== undefined){
let data23 = data22.reason;
const _errs65 = errors;
if(errors === _errs65){
if(typeof data23 === "string"){
if(data23.length > 64 && func3(data23) > 64){
validate28.errors = [{instancePath:instancePath+"/data/failure/reason",schemaPath:"#/properties/data/oneOf/2/properties/failure/properties/reason/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data23.length < 1 || (data23.length < 2 * 1 && func3(data23) < 1)){
validate28.errors = [{instancePath:instancePath+"/data/failure/reason",schemaPath:"#/properties/data/oneOf/2/properties/failure/properties/reason/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/data/failure/reason",schemaPath:"#/properties/data/oneOf/2/properties/failure/properties/reason/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid13 = _errs65 === errors;
}
else {
var valid13 = true;
}
if(valid13){
if(data22.pid !== undefined){
let data24 = data22.pid;
const _errs67 = errors;
if(!(((typeof data24 == "number") && (!(data24 % 1) && !isNaN(data24))) && (isFinite(data24)))){
validate28.errors = [{instancePath:instancePath+"/data/failure/pid",schemaPath:"#/properties/data/oneOf/2/properties/failure/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs67){
if((typeof data24 == "number") && (isFinite(data24))){
if(data24 > 2147483647 || isNaN(data24)){
validate28.errors = [{instancePath:instancePath+"/data/failure/pid",schemaPath:"#/properties/data/oneOf/2/properties/failure/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data24 < 1 || isNaN(data24)){
validate28.errors = [{instancePath:instancePath+"/data/failure/pid",schemaPath:"#/properties/data/oneOf/2/properties/failure/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid13 = _errs67 === errors;
}
else {
var valid13 = true;
}
}
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/data/failure",schemaPath:"#/properties/data/oneOf/2/properties/failure/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid10 = _errs62 === errors;
}
else {
var valid10 = true;
}
}
}
}
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/2/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
}
else if(tag0 === "stopped"){
const _errs69 = errors;
if(errors === _errs69){
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
let missing8;
if(((data9.event === undefined) && (missing8 = "event")) || ((data9.code === undefined) && (missing8 = "code"))){
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/3/required",keyword:"required",params:{missingProperty: missing8},message:"must have required property '"+missing8+"'"}];
return false;
}
else {
const _errs71 = errors;
for(const key7 in data9){
if(!((key7 === "event") || (key7 === "code"))){
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/3/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs71 === errors){
if(data9.event !== undefined){
let data25 = data9.event;
const _errs72 = errors;
if(typeof data25 !== "string"){
validate28.errors = [{instancePath:instancePath+"/data/event",schemaPath:"#/properties/data/oneOf/3/properties/event/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("stopped" !== data25){
validate28.errors = [{instancePath:instancePath+"/data/event",schemaPath:"#/properties/data/oneOf/3/properties/event/const",keyword:"const",params:{allowedValue: "stopped"},message:"must be equal to constant"}];
return false;
}
var valid15 = _errs72 === errors;
}
else {
var valid15 = true;
}
if(valid15){
if(data9.code !== undefined){
let data26 = data9.code;
const _errs74 = errors;
if(!(((typeof data26 == "number") && (!(data26 % 1) && !isNaN(data26))) && (isFinite(data26)))){
validate28.errors = [{instancePath:instancePath+"/data/code",schemaPath:"#/properties/data/oneOf/3/properties/code/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs74){
if((typeof data26 == "number") && (isFinite(data26))){
if(data26 > 255 || isNaN(data26)){
validate28.errors = [{instancePath:instancePath+"/data/code",schemaPath:"#/properties/data/oneOf/3/properties/code/maximum",keyword:"maximum",params:{comparison: "<=", limit: 255},message:"must be <= 255"}];
return false;
}
else {
if(data26 < 0 || isNaN(data26)){
validate28.errors = [{instancePath:instancePath+"/data/code",schemaPath:"#/properties/data/oneOf/3/properties/code/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid15 = _errs74 === errors;
}
else {
var valid15 = true;
}
}
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/3/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
}
else if(tag0 === "refused"){
const _errs76 = errors;
if(errors === _errs76){
if(data9 && typeof data9 == "object" && !Array.isArray(data9)){
let missing9;
if(((data9.event === undefined) && (missing9 = "event")) || ((data9.reason === undefined) && (missing9 = "reason"))){
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/4/required",keyword:"required",params:{missingProperty: missing9},message:"must have required property '"+missing9+"'"}];
return false;
}
else {
const _errs78 = errors;
for(const key8 in data9){
if(!((key8 === "event") || (key8 === "reason"))){
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/4/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key8},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs78 === errors){
if(data9.event !== undefined){
let data27 = data9.event;
const _errs79 = errors;
if(typeof data27 !== "string"){
validate28.errors = [{instancePath:instancePath+"/data/event",schemaPath:"#/properties/data/oneOf/4/properties/event/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("refused" !== data27){
validate28.errors = [{instancePath:instancePath+"/data/event",schemaPath:"#/properties/data/oneOf/4/properties/event/const",keyword:"const",params:{allowedValue: "refused"},message:"must be equal to constant"}];
return false;
}
var valid17 = _errs79 === errors;
}
else {
var valid17 = true;
}
if(valid17){
if(data9.reason !== undefined){
let data28 = data9.reason;
const _errs81 = errors;
if(errors === _errs81){
if(typeof data28 === "string"){
if(data28.length > 256 && func3(data28) > 256){
validate28.errors = [{instancePath:instancePath+"/data/reason",schemaPath:"#/properties/data/oneOf/4/properties/reason/maxLength",keyword:"maxLength",params:{limit: 256},message:"must NOT have more than 256 characters"}];
return false;
}
else {
if(data28.length < 1 || (data28.length < 2 * 1 && func3(data28) < 1)){
validate28.errors = [{instancePath:instancePath+"/data/reason",schemaPath:"#/properties/data/oneOf/4/properties/reason/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/data/reason",schemaPath:"#/properties/data/oneOf/4/properties/reason/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid17 = _errs81 === errors;
}
else {
var valid17 = true;
}
}
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/oneOf/4/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/discriminator",keyword:"discriminator",params:{error: "mapping", tag: "event", tagValue: tag0},message:"value of tag \"event\" must be in oneOf"}];
return false;
}
}
else {
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/discriminator",keyword:"discriminator",params:{error: "tag", tag: "event", tagValue: tag0},message:"tag \"event\" must be string"}];
return false;
}
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data29 = data.re;
const _errs83 = errors;
if(errors === _errs83){
if(typeof data29 === "string"){
if(data29.length > 64 && func3(data29) > 64){
validate28.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data29.length < 1 || (data29.length < 2 * 1 && func3(data29) < 1)){
validate28.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs83 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data30 = data.ts;
const _errs85 = errors;
if(!(((typeof data30 == "number") && (!(data30 % 1) && !isNaN(data30))) && (isFinite(data30)))){
validate28.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs85){
if((typeof data30 == "number") && (isFinite(data30))){
if(data30 > 9007199254740991 || isNaN(data30)){
validate28.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data30 < 0 || isNaN(data30)){
validate28.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs85 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data31 = data.sig;
const _errs87 = errors;
if(errors === _errs87){
if(typeof data31 === "string"){
if(data31.length > 512 && func3(data31) > 512){
validate28.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data31.length < 1 || (data31.length < 2 * 1 && func3(data31) < 1)){
validate28.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate28.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs87 === errors;
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
validate28.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate28.errors = vErrors;
return errors === 0;
}

