// Generated from the TypeBox schemas in src/schema.ts by `pnpm schema`. Do not edit.
// A test fails while this file is out of date.
// Ajv's standalone code: compiling at build time keeps Ajv's compiler and TypeBox out of every process's start-up.
/* eslint-disable */
"use strict";
exports.validate_public = validate10;
const schema11 = {"additionalProperties":false,"$id":"clustr.frame.public.v2","description":"A message to every process of the cluster.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"public","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"description":"User data; validated against the receiver's message schema for the kind."},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};
const func2 = Object.prototype.hasOwnProperty;
const func3 = require("ajv/dist/runtime/ucs2length").default;
const pattern0 = new RegExp("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])", "u");
const pattern1 = new RegExp("^[A-Za-z0-9_-]{1,32}(?![\\s\\S])", "u");

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.public.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate10.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema11.properties, key0))){
validate10.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate10.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate10.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate10.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("public" !== data1){
validate10.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "public"},message:"must be equal to constant"}];
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
validate10.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate10.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate10.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate10.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate10.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate10.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate10.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate10.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate10.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate10.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate10.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate10.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate10.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate10.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate10.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate10.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate10.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if(data.re !== undefined){
let data9 = data.re;
const _errs21 = errors;
if(errors === _errs21){
if(typeof data9 === "string"){
if(data9.length > 64 && func3(data9) > 64){
validate10.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data9.length < 1 || (data9.length < 2 * 1 && func3(data9) < 1)){
validate10.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs21 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data10 = data.ts;
const _errs23 = errors;
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
validate10.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs23){
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 9007199254740991 || isNaN(data10)){
validate10.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data10 < 0 || isNaN(data10)){
validate10.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs23 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data11 = data.sig;
const _errs25 = errors;
if(errors === _errs25){
if(typeof data11 === "string"){
if(data11.length > 512 && func3(data11) > 512){
validate10.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data11.length < 1 || (data11.length < 2 * 1 && func3(data11) < 1)){
validate10.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate10.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs25 === errors;
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
else {
validate10.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate10.errors = vErrors;
return errors === 0;
}

exports.validate_private = validate11;
const schema12 = {"additionalProperties":false,"$id":"clustr.frame.private.v2","description":"A message to one process, sent on its private channel.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"private","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"description":"User data; validated against the receiver's message schema for the kind."},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate11(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.private.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate11.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema12.properties, key0))){
validate11.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate11.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate11.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate11.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("private" !== data1){
validate11.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "private"},message:"must be equal to constant"}];
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
validate11.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate11.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate11.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate11.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate11.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate11.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate11.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate11.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate11.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate11.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate11.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate11.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate11.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate11.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate11.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate11.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate11.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate11.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate11.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if(data.re !== undefined){
let data9 = data.re;
const _errs21 = errors;
if(errors === _errs21){
if(typeof data9 === "string"){
if(data9.length > 64 && func3(data9) > 64){
validate11.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data9.length < 1 || (data9.length < 2 * 1 && func3(data9) < 1)){
validate11.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate11.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs21 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data10 = data.ts;
const _errs23 = errors;
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
validate11.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs23){
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 9007199254740991 || isNaN(data10)){
validate11.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data10 < 0 || isNaN(data10)){
validate11.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs23 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data11 = data.sig;
const _errs25 = errors;
if(errors === _errs25){
if(typeof data11 === "string"){
if(data11.length > 512 && func3(data11) > 512){
validate11.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data11.length < 1 || (data11.length < 2 * 1 && func3(data11) < 1)){
validate11.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate11.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs25 === errors;
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
else {
validate11.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate11.errors = vErrors;
return errors === 0;
}

exports.validate_group = validate12;
const schema13 = {"additionalProperties":false,"$id":"clustr.frame.group.v2","description":"A message to every process of one group.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"group","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"description":"User data; validated against the receiver's message schema for the kind."},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate12(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.group.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate12.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema13.properties, key0))){
validate12.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate12.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate12.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate12.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("group" !== data1){
validate12.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "group"},message:"must be equal to constant"}];
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
validate12.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate12.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate12.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate12.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate12.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate12.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate12.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate12.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate12.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate12.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate12.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate12.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate12.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate12.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate12.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate12.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate12.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate12.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate12.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if(data.re !== undefined){
let data9 = data.re;
const _errs21 = errors;
if(errors === _errs21){
if(typeof data9 === "string"){
if(data9.length > 64 && func3(data9) > 64){
validate12.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data9.length < 1 || (data9.length < 2 * 1 && func3(data9) < 1)){
validate12.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate12.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs21 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data10 = data.ts;
const _errs23 = errors;
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
validate12.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs23){
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 9007199254740991 || isNaN(data10)){
validate12.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data10 < 0 || isNaN(data10)){
validate12.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs23 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data11 = data.sig;
const _errs25 = errors;
if(errors === _errs25){
if(typeof data11 === "string"){
if(data11.length > 512 && func3(data11) > 512){
validate12.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data11.length < 1 || (data11.length < 2 * 1 && func3(data11) < 1)){
validate12.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate12.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs25 === errors;
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
else {
validate12.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate12.errors = vErrors;
return errors === 0;
}

exports.validate_any = validate13;
const schema14 = {"additionalProperties":false,"$id":"clustr.frame.any.v2","description":"A group message for exactly one member of the group, sent on the private channel of the member the sender picked (emitAny).","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"any","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"description":"`group` names the group the sender picked this member from; a receiver not in it drops the frame.","type":"object","required":["group","body"],"properties":{"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"body":{"description":"User data; validated against the receiver's schema for it."}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate13(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.any.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate13.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema14.properties, key0))){
validate13.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate13.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate13.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate13.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("any" !== data1){
validate13.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "any"},message:"must be equal to constant"}];
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
validate13.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate13.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate13.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate13.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate13.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate13.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate13.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate13.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate13.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate13.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate13.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate13.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate13.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate13.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate13.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate13.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate13.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate13.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate13.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if(((data9.group === undefined) && (missing2 = "group")) || ((data9.body === undefined) && (missing2 = "body"))){
validate13.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/required",keyword:"required",params:{missingProperty: missing2},message:"must have required property '"+missing2+"'"}];
return false;
}
else {
const _errs23 = errors;
for(const key2 in data9){
if(!((key2 === "group") || (key2 === "body"))){
validate13.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs23 === errors){
if(data9.group !== undefined){
let data10 = data9.group;
const _errs24 = errors;
if(errors === _errs24){
if(typeof data10 === "string"){
if(!pattern0.test(data10)){
validate13.errors = [{instancePath:instancePath+"/data/group",schemaPath:"#/properties/data/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate13.errors = [{instancePath:instancePath+"/data/group",schemaPath:"#/properties/data/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
}
}
}
}
else {
validate13.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data11 = data.re;
const _errs26 = errors;
if(errors === _errs26){
if(typeof data11 === "string"){
if(data11.length > 64 && func3(data11) > 64){
validate13.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data11.length < 1 || (data11.length < 2 * 1 && func3(data11) < 1)){
validate13.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate13.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs26 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data12 = data.ts;
const _errs28 = errors;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
validate13.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs28){
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 9007199254740991 || isNaN(data12)){
validate13.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data12 < 0 || isNaN(data12)){
validate13.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs28 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data13 = data.sig;
const _errs30 = errors;
if(errors === _errs30){
if(typeof data13 === "string"){
if(data13.length > 512 && func3(data13) > 512){
validate13.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data13.length < 1 || (data13.length < 2 * 1 && func3(data13) < 1)){
validate13.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate13.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs30 === errors;
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
validate13.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate13.errors = vErrors;
return errors === 0;
}

exports.validate_request = validate14;
const schema15 = {"additionalProperties":false,"$id":"clustr.frame.request.v2","description":"Asks one process for a reply; sent on its private channel. The reply names this frame in `re`.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"request","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"description":"`group` is set when the sender picked this member of a group; a receiver not in it refuses.","type":"object","required":["body"],"properties":{"method":{"minLength":1,"maxLength":128,"description":"The request name, when the receiver has several.","type":"string"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"timeout":{"minimum":1,"maximum":2147483647,"description":"How long the caller waits, in ms.","type":"integer"},"body":{"description":"User data; validated against the receiver's schema for it."}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate14(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.request.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate14.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema15.properties, key0))){
validate14.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate14.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate14.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate14.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("request" !== data1){
validate14.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "request"},message:"must be equal to constant"}];
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
validate14.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate14.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate14.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate14.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate14.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate14.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate14.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate14.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate14.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate14.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate14.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate14.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate14.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate14.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate14.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate14.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate14.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate14.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate14.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if((data9.body === undefined) && (missing2 = "body")){
validate14.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/required",keyword:"required",params:{missingProperty: missing2},message:"must have required property '"+missing2+"'"}];
return false;
}
else {
const _errs23 = errors;
for(const key2 in data9){
if(!((((key2 === "method") || (key2 === "group")) || (key2 === "timeout")) || (key2 === "body"))){
validate14.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs23 === errors){
if(data9.method !== undefined){
let data10 = data9.method;
const _errs24 = errors;
if(errors === _errs24){
if(typeof data10 === "string"){
if(data10.length > 128 && func3(data10) > 128){
validate14.errors = [{instancePath:instancePath+"/data/method",schemaPath:"#/properties/data/properties/method/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters"}];
return false;
}
else {
if(data10.length < 1 || (data10.length < 2 * 1 && func3(data10) < 1)){
validate14.errors = [{instancePath:instancePath+"/data/method",schemaPath:"#/properties/data/properties/method/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate14.errors = [{instancePath:instancePath+"/data/method",schemaPath:"#/properties/data/properties/method/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid2 = _errs24 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.group !== undefined){
let data11 = data9.group;
const _errs26 = errors;
if(errors === _errs26){
if(typeof data11 === "string"){
if(!pattern0.test(data11)){
validate14.errors = [{instancePath:instancePath+"/data/group",schemaPath:"#/properties/data/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate14.errors = [{instancePath:instancePath+"/data/group",schemaPath:"#/properties/data/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid2 = _errs26 === errors;
}
else {
var valid2 = true;
}
if(valid2){
if(data9.timeout !== undefined){
let data12 = data9.timeout;
const _errs28 = errors;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
validate14.errors = [{instancePath:instancePath+"/data/timeout",schemaPath:"#/properties/data/properties/timeout/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs28){
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 2147483647 || isNaN(data12)){
validate14.errors = [{instancePath:instancePath+"/data/timeout",schemaPath:"#/properties/data/properties/timeout/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data12 < 1 || isNaN(data12)){
validate14.errors = [{instancePath:instancePath+"/data/timeout",schemaPath:"#/properties/data/properties/timeout/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
}
}
}
}
}
else {
validate14.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data13 = data.re;
const _errs30 = errors;
if(errors === _errs30){
if(typeof data13 === "string"){
if(data13.length > 64 && func3(data13) > 64){
validate14.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data13.length < 1 || (data13.length < 2 * 1 && func3(data13) < 1)){
validate14.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate14.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs30 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data14 = data.ts;
const _errs32 = errors;
if(!(((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14))) && (isFinite(data14)))){
validate14.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs32){
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 > 9007199254740991 || isNaN(data14)){
validate14.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data14 < 0 || isNaN(data14)){
validate14.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs32 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data15 = data.sig;
const _errs34 = errors;
if(errors === _errs34){
if(typeof data15 === "string"){
if(data15.length > 512 && func3(data15) > 512){
validate14.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data15.length < 1 || (data15.length < 2 * 1 && func3(data15) < 1)){
validate14.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate14.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs34 === errors;
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
validate14.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate14.errors = vErrors;
return errors === 0;
}

exports.validate_reply = validate15;
const schema16 = {"additionalProperties":false,"$id":"clustr.frame.reply.v2","description":"The answer to a request, on the requester's private channel; `re` is the request's id.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"reply","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"type":"object","required":["ok"],"properties":{"ok":{"type":"boolean"}},"if":{"properties":{"ok":{"const":true}}},"then":{"additionalProperties":false,"type":"object","required":["ok","body"],"properties":{"ok":{"const":true,"type":"boolean"},"body":{"description":"User data; validated against the receiver's schema for it."}}},"else":{"additionalProperties":false,"type":"object","required":["ok","error"],"properties":{"ok":{"const":false,"type":"boolean"},"error":{"additionalProperties":false,"description":"Why a request failed on the receiver.","type":"object","required":["code","message"],"properties":{"code":{"minLength":1,"maxLength":64,"type":"string"},"message":{"maxLength":4096,"type":"string"},"stack":{"maxLength":16384,"type":"string"}}}}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

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

exports.validate_kill = validate16;
const schema17 = {"additionalProperties":false,"$id":"clustr.frame.kill.v2","description":"Asks one process to run its onKill hooks and exit with a code.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"kill","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"type":"object","required":["pid","code"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"code":{"minimum":0,"maximum":255,"description":"The exit code the target exits with.","type":"integer"}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate16(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.kill.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate16.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema17.properties, key0))){
validate16.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate16.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate16.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate16.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("kill" !== data1){
validate16.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "kill"},message:"must be equal to constant"}];
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
validate16.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate16.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate16.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate16.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate16.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate16.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate16.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate16.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate16.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate16.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate16.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate16.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate16.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate16.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate16.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate16.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate16.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate16.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate16.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if(((data9.pid === undefined) && (missing2 = "pid")) || ((data9.code === undefined) && (missing2 = "code"))){
validate16.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/required",keyword:"required",params:{missingProperty: missing2},message:"must have required property '"+missing2+"'"}];
return false;
}
else {
const _errs23 = errors;
for(const key2 in data9){
if(!((key2 === "pid") || (key2 === "code"))){
validate16.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs23 === errors){
if(data9.pid !== undefined){
let data10 = data9.pid;
const _errs24 = errors;
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
validate16.errors = [{instancePath:instancePath+"/data/pid",schemaPath:"#/properties/data/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs24){
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 2147483647 || isNaN(data10)){
validate16.errors = [{instancePath:instancePath+"/data/pid",schemaPath:"#/properties/data/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data10 < 1 || isNaN(data10)){
validate16.errors = [{instancePath:instancePath+"/data/pid",schemaPath:"#/properties/data/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if(data9.code !== undefined){
let data11 = data9.code;
const _errs26 = errors;
if(!(((typeof data11 == "number") && (!(data11 % 1) && !isNaN(data11))) && (isFinite(data11)))){
validate16.errors = [{instancePath:instancePath+"/data/code",schemaPath:"#/properties/data/properties/code/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs26){
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 > 255 || isNaN(data11)){
validate16.errors = [{instancePath:instancePath+"/data/code",schemaPath:"#/properties/data/properties/code/maximum",keyword:"maximum",params:{comparison: "<=", limit: 255},message:"must be <= 255"}];
return false;
}
else {
if(data11 < 0 || isNaN(data11)){
validate16.errors = [{instancePath:instancePath+"/data/code",schemaPath:"#/properties/data/properties/code/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid2 = _errs26 === errors;
}
else {
var valid2 = true;
}
}
}
}
}
else {
validate16.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data12 = data.re;
const _errs28 = errors;
if(errors === _errs28){
if(typeof data12 === "string"){
if(data12.length > 64 && func3(data12) > 64){
validate16.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data12.length < 1 || (data12.length < 2 * 1 && func3(data12) < 1)){
validate16.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate16.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs28 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data13 = data.ts;
const _errs30 = errors;
if(!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))){
validate16.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs30){
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 > 9007199254740991 || isNaN(data13)){
validate16.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data13 < 0 || isNaN(data13)){
validate16.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs30 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data14 = data.sig;
const _errs32 = errors;
if(errors === _errs32){
if(typeof data14 === "string"){
if(data14.length > 512 && func3(data14) > 512){
validate16.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data14.length < 1 || (data14.length < 2 * 1 && func3(data14) < 1)){
validate16.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate16.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs32 === errors;
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
validate16.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate16.errors = vErrors;
return errors === 0;
}

exports.validate_confirmation = validate17;
const schema18 = {"additionalProperties":false,"$id":"clustr.frame.confirmation.v2","description":"One confirmation of an identifier.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"confirmation","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"type":"object","required":["identifier"],"properties":{"identifier":{"minLength":1,"maxLength":256,"type":"string"}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate17(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.confirmation.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate17.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema18.properties, key0))){
validate17.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate17.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate17.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate17.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("confirmation" !== data1){
validate17.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "confirmation"},message:"must be equal to constant"}];
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
validate17.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate17.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate17.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate17.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate17.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate17.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate17.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate17.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate17.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate17.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate17.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate17.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate17.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate17.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate17.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate17.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate17.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate17.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate17.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if((data9.identifier === undefined) && (missing2 = "identifier")){
validate17.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/required",keyword:"required",params:{missingProperty: missing2},message:"must have required property '"+missing2+"'"}];
return false;
}
else {
const _errs23 = errors;
for(const key2 in data9){
if(!(key2 === "identifier")){
validate17.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs23 === errors){
if(data9.identifier !== undefined){
let data10 = data9.identifier;
const _errs24 = errors;
if(errors === _errs24){
if(typeof data10 === "string"){
if(data10.length > 256 && func3(data10) > 256){
validate17.errors = [{instancePath:instancePath+"/data/identifier",schemaPath:"#/properties/data/properties/identifier/maxLength",keyword:"maxLength",params:{limit: 256},message:"must NOT have more than 256 characters"}];
return false;
}
else {
if(data10.length < 1 || (data10.length < 2 * 1 && func3(data10) < 1)){
validate17.errors = [{instancePath:instancePath+"/data/identifier",schemaPath:"#/properties/data/properties/identifier/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate17.errors = [{instancePath:instancePath+"/data/identifier",schemaPath:"#/properties/data/properties/identifier/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
}
}
}
}
else {
validate17.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data11 = data.re;
const _errs26 = errors;
if(errors === _errs26){
if(typeof data11 === "string"){
if(data11.length > 64 && func3(data11) > 64){
validate17.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data11.length < 1 || (data11.length < 2 * 1 && func3(data11) < 1)){
validate17.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate17.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs26 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data12 = data.ts;
const _errs28 = errors;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
validate17.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs28){
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 9007199254740991 || isNaN(data12)){
validate17.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data12 < 0 || isNaN(data12)){
validate17.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs28 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data13 = data.sig;
const _errs30 = errors;
if(errors === _errs30){
if(typeof data13 === "string"){
if(data13.length > 512 && func3(data13) > 512){
validate17.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data13.length < 1 || (data13.length < 2 * 1 && func3(data13) < 1)){
validate17.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate17.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs30 === errors;
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
validate17.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate17.errors = vErrors;
return errors === 0;
}

exports.validate_register = validate18;
const schema19 = {"additionalProperties":false,"$id":"clustr.frame.register.v2","description":"A process is ready and joins the cluster. Idempotent: processes send it again when the master announces itself.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"register","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"type":"object","required":["parentPid"],"properties":{"parentPid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate18(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.register.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate18.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema19.properties, key0))){
validate18.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate18.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate18.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate18.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("register" !== data1){
validate18.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "register"},message:"must be equal to constant"}];
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
validate18.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate18.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate18.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate18.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate18.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate18.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate18.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate18.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate18.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate18.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate18.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate18.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate18.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate18.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate18.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate18.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate18.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate18.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate18.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if((data9.parentPid === undefined) && (missing2 = "parentPid")){
validate18.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/required",keyword:"required",params:{missingProperty: missing2},message:"must have required property '"+missing2+"'"}];
return false;
}
else {
const _errs23 = errors;
for(const key2 in data9){
if(!(key2 === "parentPid")){
validate18.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs23 === errors){
if(data9.parentPid !== undefined){
let data10 = data9.parentPid;
const _errs24 = errors;
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
validate18.errors = [{instancePath:instancePath+"/data/parentPid",schemaPath:"#/properties/data/properties/parentPid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs24){
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 2147483647 || isNaN(data10)){
validate18.errors = [{instancePath:instancePath+"/data/parentPid",schemaPath:"#/properties/data/properties/parentPid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data10 < 1 || isNaN(data10)){
validate18.errors = [{instancePath:instancePath+"/data/parentPid",schemaPath:"#/properties/data/properties/parentPid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
}
}
}
}
else {
validate18.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data11 = data.re;
const _errs26 = errors;
if(errors === _errs26){
if(typeof data11 === "string"){
if(data11.length > 64 && func3(data11) > 64){
validate18.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data11.length < 1 || (data11.length < 2 * 1 && func3(data11) < 1)){
validate18.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate18.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs26 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data12 = data.ts;
const _errs28 = errors;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
validate18.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs28){
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 9007199254740991 || isNaN(data12)){
validate18.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data12 < 0 || isNaN(data12)){
validate18.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs28 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data13 = data.sig;
const _errs30 = errors;
if(errors === _errs30){
if(typeof data13 === "string"){
if(data13.length > 512 && func3(data13) > 512){
validate18.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data13.length < 1 || (data13.length < 2 * 1 && func3(data13) < 1)){
validate18.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate18.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs30 === errors;
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
validate18.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate18.errors = vErrors;
return errors === 0;
}

exports.validate_deregister = validate19;
const schema20 = {"additionalProperties":false,"$id":"clustr.frame.deregister.v2","description":"A process has left the cluster.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"deregister","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"description":"The process that left: the sender itself, or a child of the sender that died.","type":"object","required":["pid"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate19(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.deregister.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate19.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema20.properties, key0))){
validate19.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate19.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate19.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate19.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("deregister" !== data1){
validate19.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "deregister"},message:"must be equal to constant"}];
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
validate19.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate19.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate19.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate19.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate19.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate19.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate19.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate19.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate19.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate19.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate19.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate19.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate19.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate19.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate19.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate19.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate19.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate19.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate19.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if((data9.pid === undefined) && (missing2 = "pid")){
validate19.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/required",keyword:"required",params:{missingProperty: missing2},message:"must have required property '"+missing2+"'"}];
return false;
}
else {
const _errs23 = errors;
for(const key2 in data9){
if(!(key2 === "pid")){
validate19.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs23 === errors){
if(data9.pid !== undefined){
let data10 = data9.pid;
const _errs24 = errors;
if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){
validate19.errors = [{instancePath:instancePath+"/data/pid",schemaPath:"#/properties/data/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs24){
if((typeof data10 == "number") && (isFinite(data10))){
if(data10 > 2147483647 || isNaN(data10)){
validate19.errors = [{instancePath:instancePath+"/data/pid",schemaPath:"#/properties/data/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data10 < 1 || isNaN(data10)){
validate19.errors = [{instancePath:instancePath+"/data/pid",schemaPath:"#/properties/data/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
}
}
}
}
else {
validate19.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data11 = data.re;
const _errs26 = errors;
if(errors === _errs26){
if(typeof data11 === "string"){
if(data11.length > 64 && func3(data11) > 64){
validate19.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data11.length < 1 || (data11.length < 2 * 1 && func3(data11) < 1)){
validate19.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate19.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs26 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data12 = data.ts;
const _errs28 = errors;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
validate19.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs28){
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 9007199254740991 || isNaN(data12)){
validate19.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data12 < 0 || isNaN(data12)){
validate19.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs28 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data13 = data.sig;
const _errs30 = errors;
if(errors === _errs30){
if(typeof data13 === "string"){
if(data13.length > 512 && func3(data13) > 512){
validate19.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data13.length < 1 || (data13.length < 2 * 1 && func3(data13) < 1)){
validate19.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate19.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs30 === errors;
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
validate19.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate19.errors = vErrors;
return errors === 0;
}

exports.validate_heartbeat = validate20;
const schema21 = {"additionalProperties":false,"$id":"clustr.frame.heartbeat.v2","description":"A registered process is alive: its health, to the master (and to its parent when that is not the master).","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"heartbeat","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"type":"object","required":["parentPid","host","startedAt","uptime","interval","rss","heapUsed","heapTotal","cpu","loopP50","loopP99","loopMax","restarts","stats"],"properties":{"parentPid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"host":{"minLength":1,"maxLength":255,"type":"string"},"startedAt":{"minimum":0,"maximum":9007199254740991,"description":"Milliseconds since the Unix epoch.","type":"integer"},"uptime":{"minimum":0,"maximum":9007199254740991,"description":"Milliseconds.","type":"integer"},"interval":{"minimum":1,"maximum":2147483647,"description":"The sender’s heartbeat interval, in ms.","type":"integer"},"rss":{"minimum":0,"description":"Resident set size, bytes.","type":"integer"},"heapUsed":{"minimum":0,"type":"integer"},"heapTotal":{"minimum":0,"type":"integer"},"cpu":{"minimum":0,"description":"CPU use since the previous heartbeat, percent of one core.","type":"number"},"loopP50":{"minimum":0,"description":"Event-loop delay since the previous heartbeat, 50th percentile, ms.","type":"number"},"loopP99":{"minimum":0,"type":"number"},"loopMax":{"minimum":0,"type":"number"},"restarts":{"minimum":0,"description":"How many times its parent restarted it.","type":"integer"},"stats":{"maxProperties":64,"description":"The sender’s stats counters (see Stats in @clustr/runtime).","type":"object","patternProperties":{"^(.*)$":{"anyOf":[{"minimum":0,"type":"integer"},{"maxProperties":64,"type":"object","patternProperties":{"^(.*)$":{"minimum":0,"type":"integer"}}}]}}}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};
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

exports.validate_clusterInfoRequest = validate21;
const schema22 = {"additionalProperties":false,"$id":"clustr.frame.clusterInfoRequest.v2","description":"Asks the master for the current cluster info; the reply goes to the private channel of meta.pid.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"clusterInfoRequest","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"type":"object","properties":{}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate21(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.clusterInfoRequest.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate21.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema22.properties, key0))){
validate21.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate21.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate21.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate21.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("clusterInfoRequest" !== data1){
validate21.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "clusterInfoRequest"},message:"must be equal to constant"}];
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
validate21.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate21.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate21.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate21.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate21.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate21.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate21.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate21.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate21.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate21.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate21.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate21.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate21.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate21.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate21.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate21.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate21.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate21.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate21.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
for(const key2 in data9){
validate21.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
else {
validate21.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data10 = data.re;
const _errs24 = errors;
if(errors === _errs24){
if(typeof data10 === "string"){
if(data10.length > 64 && func3(data10) > 64){
validate21.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data10.length < 1 || (data10.length < 2 * 1 && func3(data10) < 1)){
validate21.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate21.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs24 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data11 = data.ts;
const _errs26 = errors;
if(!(((typeof data11 == "number") && (!(data11 % 1) && !isNaN(data11))) && (isFinite(data11)))){
validate21.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs26){
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 > 9007199254740991 || isNaN(data11)){
validate21.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data11 < 0 || isNaN(data11)){
validate21.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs26 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data12 = data.sig;
const _errs28 = errors;
if(errors === _errs28){
if(typeof data12 === "string"){
if(data12.length > 512 && func3(data12) > 512){
validate21.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data12.length < 1 || (data12.length < 2 * 1 && func3(data12) < 1)){
validate21.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate21.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs28 === errors;
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
validate21.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate21.errors = vErrors;
return errors === 0;
}

exports.validate_clusterInfoReply = validate22;
const schema23 = {"additionalProperties":false,"$id":"clustr.frame.clusterInfoReply.v2","description":"The master answers a cluster-info request; `re` names the request.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"clusterInfoReply","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"description":"Registered process ids by group.","type":"object","patternProperties":{"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])":{"uniqueItems":true,"type":"array","items":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"}}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate22(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.clusterInfoReply.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate22.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema23.properties, key0))){
validate22.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate22.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate22.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate22.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("clusterInfoReply" !== data1){
validate22.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "clusterInfoReply"},message:"must be equal to constant"}];
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
validate22.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate22.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate22.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate22.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate22.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate22.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate22.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate22.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate22.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate22.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate22.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate22.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate22.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate22.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate22.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate22.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate22.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate22.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate22.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
const _errs23 = errors;
for(const key2 in data9){
if(!(pattern0.test(key2))){
validate22.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs23 === errors){
var valid2 = true;
for(const key3 in data9){
if(pattern0.test(key3)){
let data10 = data9[key3];
const _errs24 = errors;
if(errors === _errs24){
if(Array.isArray(data10)){
var valid3 = true;
const len0 = data10.length;
for(let i0=0; i0<len0; i0++){
let data11 = data10[i0];
const _errs26 = errors;
if(!(((typeof data11 == "number") && (!(data11 % 1) && !isNaN(data11))) && (isFinite(data11)))){
validate22.errors = [{instancePath:instancePath+"/data/" + key3.replace(/~/g, "~0").replace(/\//g, "~1")+"/" + i0,schemaPath:"#/properties/data/patternProperties/%5E%5BA-Za-z0-9%5D%5BA-Za-z0-9_.-%5D%7B0%2C63%7D(%3F!%5B%5Cs%5CS%5D)/items/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs26){
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 > 2147483647 || isNaN(data11)){
validate22.errors = [{instancePath:instancePath+"/data/" + key3.replace(/~/g, "~0").replace(/\//g, "~1")+"/" + i0,schemaPath:"#/properties/data/patternProperties/%5E%5BA-Za-z0-9%5D%5BA-Za-z0-9_.-%5D%7B0%2C63%7D(%3F!%5B%5Cs%5CS%5D)/items/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data11 < 1 || isNaN(data11)){
validate22.errors = [{instancePath:instancePath+"/data/" + key3.replace(/~/g, "~0").replace(/\//g, "~1")+"/" + i0,schemaPath:"#/properties/data/patternProperties/%5E%5BA-Za-z0-9%5D%5BA-Za-z0-9_.-%5D%7B0%2C63%7D(%3F!%5B%5Cs%5CS%5D)/items/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid3 = _errs26 === errors;
if(!valid3){
break;
}
}
if(valid3){
let i1 = data10.length;
let j0;
if(i1 > 1){
const indices0 = {};
for(;i1--;){
let item0 = data10[i1];
if(!(((typeof item0 == "number") && (!(item0 % 1) && !isNaN(item0))) && (isFinite(item0)))){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
validate22.errors = [{instancePath:instancePath+"/data/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/patternProperties/%5E%5BA-Za-z0-9%5D%5BA-Za-z0-9_.-%5D%7B0%2C63%7D(%3F!%5B%5Cs%5CS%5D)/uniqueItems",keyword:"uniqueItems",params:{i: i1, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i1+" are identical)"}];
return false;
break;
}
indices0[item0] = i1;
}
}
}
}
else {
validate22.errors = [{instancePath:instancePath+"/data/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/patternProperties/%5E%5BA-Za-z0-9%5D%5BA-Za-z0-9_.-%5D%7B0%2C63%7D(%3F!%5B%5Cs%5CS%5D)/type",keyword:"type",params:{type: "array"},message:"must be array"}];
return false;
}
}
var valid2 = _errs24 === errors;
if(!valid2){
break;
}
}
}
}
}
else {
validate22.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data12 = data.re;
const _errs28 = errors;
if(errors === _errs28){
if(typeof data12 === "string"){
if(data12.length > 64 && func3(data12) > 64){
validate22.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data12.length < 1 || (data12.length < 2 * 1 && func3(data12) < 1)){
validate22.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate22.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs28 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data13 = data.ts;
const _errs30 = errors;
if(!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))){
validate22.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs30){
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 > 9007199254740991 || isNaN(data13)){
validate22.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data13 < 0 || isNaN(data13)){
validate22.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs30 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data14 = data.sig;
const _errs32 = errors;
if(errors === _errs32){
if(typeof data14 === "string"){
if(data14.length > 512 && func3(data14) > 512){
validate22.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data14.length < 1 || (data14.length < 2 * 1 && func3(data14) < 1)){
validate22.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate22.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs32 === errors;
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
validate22.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate22.errors = vErrors;
return errors === 0;
}

exports.validate_announce = validate23;
const schema24 = {"additionalProperties":false,"$id":"clustr.frame.announce.v2","description":"The master is (again) listening, on the control channel: every ready process registers again.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"announce","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"type":"object","required":["reason"],"properties":{"reason":{"anyOf":[{"const":"start","type":"string"},{"const":"reconnect","type":"string"}]}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate23(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.announce.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate23.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema24.properties, key0))){
validate23.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate23.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate23.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate23.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("announce" !== data1){
validate23.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "announce"},message:"must be equal to constant"}];
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
validate23.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate23.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate23.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate23.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate23.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate23.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate23.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate23.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate23.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate23.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate23.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate23.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate23.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate23.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate23.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate23.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate23.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate23.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate23.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if((data9.reason === undefined) && (missing2 = "reason")){
validate23.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/required",keyword:"required",params:{missingProperty: missing2},message:"must have required property '"+missing2+"'"}];
return false;
}
else {
const _errs23 = errors;
for(const key2 in data9){
if(!(key2 === "reason")){
validate23.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs23 === errors){
if(data9.reason !== undefined){
let data10 = data9.reason;
const _errs25 = errors;
let valid3 = false;
const _errs26 = errors;
if(typeof data10 !== "string"){
const err0 = {instancePath:instancePath+"/data/reason",schemaPath:"#/properties/data/properties/reason/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if("start" !== data10){
const err1 = {instancePath:instancePath+"/data/reason",schemaPath:"#/properties/data/properties/reason/anyOf/0/const",keyword:"const",params:{allowedValue: "start"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
var _valid0 = _errs26 === errors;
valid3 = valid3 || _valid0;
if(!valid3){
const _errs28 = errors;
if(typeof data10 !== "string"){
const err2 = {instancePath:instancePath+"/data/reason",schemaPath:"#/properties/data/properties/reason/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if("reconnect" !== data10){
const err3 = {instancePath:instancePath+"/data/reason",schemaPath:"#/properties/data/properties/reason/anyOf/1/const",keyword:"const",params:{allowedValue: "reconnect"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
var _valid0 = _errs28 === errors;
valid3 = valid3 || _valid0;
}
if(!valid3){
const err4 = {instancePath:instancePath+"/data/reason",schemaPath:"#/properties/data/properties/reason/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
validate23.errors = vErrors;
return false;
}
else {
errors = _errs25;
if(vErrors !== null){
if(_errs25){
vErrors.length = _errs25;
}
else {
vErrors = null;
}
}
}
}
}
}
}
else {
validate23.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data11 = data.re;
const _errs30 = errors;
if(errors === _errs30){
if(typeof data11 === "string"){
if(data11.length > 64 && func3(data11) > 64){
validate23.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data11.length < 1 || (data11.length < 2 * 1 && func3(data11) < 1)){
validate23.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate23.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs30 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data12 = data.ts;
const _errs32 = errors;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
validate23.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs32){
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 9007199254740991 || isNaN(data12)){
validate23.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data12 < 0 || isNaN(data12)){
validate23.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs32 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data13 = data.sig;
const _errs34 = errors;
if(errors === _errs34){
if(typeof data13 === "string"){
if(data13.length > 512 && func3(data13) > 512){
validate23.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data13.length < 1 || (data13.length < 2 * 1 && func3(data13) < 1)){
validate23.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate23.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs34 === errors;
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
validate23.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate23.errors = vErrors;
return errors === 0;
}

exports.validate_membership = validate24;
const schema25 = {"additionalProperties":false,"$id":"clustr.frame.membership.v2","description":"The registered processes by group, on the control channel, after every change: the view request and emitAny pick members from.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"membership","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"description":"Registered process ids by group.","type":"object","patternProperties":{"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])":{"uniqueItems":true,"type":"array","items":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"}}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate24(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.membership.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate24.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema25.properties, key0))){
validate24.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate24.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate24.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate24.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("membership" !== data1){
validate24.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "membership"},message:"must be equal to constant"}];
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
validate24.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate24.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate24.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate24.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate24.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate24.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate24.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate24.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate24.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate24.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate24.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate24.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate24.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate24.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate24.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate24.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate24.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate24.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate24.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
const _errs23 = errors;
for(const key2 in data9){
if(!(pattern0.test(key2))){
validate24.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs23 === errors){
var valid2 = true;
for(const key3 in data9){
if(pattern0.test(key3)){
let data10 = data9[key3];
const _errs24 = errors;
if(errors === _errs24){
if(Array.isArray(data10)){
var valid3 = true;
const len0 = data10.length;
for(let i0=0; i0<len0; i0++){
let data11 = data10[i0];
const _errs26 = errors;
if(!(((typeof data11 == "number") && (!(data11 % 1) && !isNaN(data11))) && (isFinite(data11)))){
validate24.errors = [{instancePath:instancePath+"/data/" + key3.replace(/~/g, "~0").replace(/\//g, "~1")+"/" + i0,schemaPath:"#/properties/data/patternProperties/%5E%5BA-Za-z0-9%5D%5BA-Za-z0-9_.-%5D%7B0%2C63%7D(%3F!%5B%5Cs%5CS%5D)/items/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs26){
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 > 2147483647 || isNaN(data11)){
validate24.errors = [{instancePath:instancePath+"/data/" + key3.replace(/~/g, "~0").replace(/\//g, "~1")+"/" + i0,schemaPath:"#/properties/data/patternProperties/%5E%5BA-Za-z0-9%5D%5BA-Za-z0-9_.-%5D%7B0%2C63%7D(%3F!%5B%5Cs%5CS%5D)/items/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data11 < 1 || isNaN(data11)){
validate24.errors = [{instancePath:instancePath+"/data/" + key3.replace(/~/g, "~0").replace(/\//g, "~1")+"/" + i0,schemaPath:"#/properties/data/patternProperties/%5E%5BA-Za-z0-9%5D%5BA-Za-z0-9_.-%5D%7B0%2C63%7D(%3F!%5B%5Cs%5CS%5D)/items/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
return false;
}
}
}
}
var valid3 = _errs26 === errors;
if(!valid3){
break;
}
}
if(valid3){
let i1 = data10.length;
let j0;
if(i1 > 1){
const indices0 = {};
for(;i1--;){
let item0 = data10[i1];
if(!(((typeof item0 == "number") && (!(item0 % 1) && !isNaN(item0))) && (isFinite(item0)))){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
validate24.errors = [{instancePath:instancePath+"/data/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/patternProperties/%5E%5BA-Za-z0-9%5D%5BA-Za-z0-9_.-%5D%7B0%2C63%7D(%3F!%5B%5Cs%5CS%5D)/uniqueItems",keyword:"uniqueItems",params:{i: i1, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i1+" are identical)"}];
return false;
break;
}
indices0[item0] = i1;
}
}
}
}
else {
validate24.errors = [{instancePath:instancePath+"/data/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/data/patternProperties/%5E%5BA-Za-z0-9%5D%5BA-Za-z0-9_.-%5D%7B0%2C63%7D(%3F!%5B%5Cs%5CS%5D)/type",keyword:"type",params:{type: "array"},message:"must be array"}];
return false;
}
}
var valid2 = _errs24 === errors;
if(!valid2){
break;
}
}
}
}
}
else {
validate24.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data12 = data.re;
const _errs28 = errors;
if(errors === _errs28){
if(typeof data12 === "string"){
if(data12.length > 64 && func3(data12) > 64){
validate24.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data12.length < 1 || (data12.length < 2 * 1 && func3(data12) < 1)){
validate24.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate24.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs28 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data13 = data.ts;
const _errs30 = errors;
if(!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))){
validate24.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs30){
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 > 9007199254740991 || isNaN(data13)){
validate24.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data13 < 0 || isNaN(data13)){
validate24.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs30 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data14 = data.sig;
const _errs32 = errors;
if(errors === _errs32){
if(typeof data14 === "string"){
if(data14.length > 512 && func3(data14) > 512){
validate24.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data14.length < 1 || (data14.length < 2 * 1 && func3(data14) < 1)){
validate24.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate24.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs32 === errors;
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
validate24.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate24.errors = vErrors;
return errors === 0;
}

exports.validate_statusRequest = validate25;
const schema26 = {"additionalProperties":false,"$id":"clustr.frame.statusRequest.v2","description":"Asks the master for every process's status; the reply goes to the private channel of meta.pid.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"statusRequest","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"type":"object","properties":{}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate25(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.statusRequest.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate25.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema26.properties, key0))){
validate25.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate25.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate25.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate25.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("statusRequest" !== data1){
validate25.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "statusRequest"},message:"must be equal to constant"}];
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
validate25.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate25.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate25.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate25.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate25.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate25.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate25.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate25.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate25.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate25.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate25.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate25.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate25.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate25.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate25.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate25.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate25.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate25.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate25.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
for(const key2 in data9){
validate25.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
else {
validate25.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data10 = data.re;
const _errs24 = errors;
if(errors === _errs24){
if(typeof data10 === "string"){
if(data10.length > 64 && func3(data10) > 64){
validate25.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data10.length < 1 || (data10.length < 2 * 1 && func3(data10) < 1)){
validate25.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate25.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs24 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data11 = data.ts;
const _errs26 = errors;
if(!(((typeof data11 == "number") && (!(data11 % 1) && !isNaN(data11))) && (isFinite(data11)))){
validate25.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs26){
if((typeof data11 == "number") && (isFinite(data11))){
if(data11 > 9007199254740991 || isNaN(data11)){
validate25.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data11 < 0 || isNaN(data11)){
validate25.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs26 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data12 = data.sig;
const _errs28 = errors;
if(errors === _errs28){
if(typeof data12 === "string"){
if(data12.length > 512 && func3(data12) > 512){
validate25.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data12.length < 1 || (data12.length < 2 * 1 && func3(data12) < 1)){
validate25.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate25.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs28 === errors;
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
validate25.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate25.errors = vErrors;
return errors === 0;
}

exports.validate_statusReply = validate26;
const schema27 = {"additionalProperties":false,"$id":"clustr.frame.statusReply.v2","description":"The master answers a status request; `re` names the request.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"statusReply","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"type":"object","required":["processes"],"properties":{"processes":{"maxItems":4096,"type":"array","items":{"additionalProperties":false,"type":"object","required":["pid","group","parentPid","state","registeredAt"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"parentPid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"state":{"description":"`hung`: no heartbeat within the heartbeat timeout.","anyOf":[{"const":"ready","type":"string"},{"const":"hung","type":"string"},{"const":"starting","type":"string"}]},"registeredAt":{"minimum":0,"maximum":9007199254740991,"description":"Milliseconds since the Unix epoch.","type":"integer"},"lastHeartbeat":{"minimum":0,"maximum":9007199254740991,"description":"Milliseconds since the Unix epoch.","type":"integer"},"health":{"additionalProperties":false,"type":"object","required":["parentPid","host","startedAt","uptime","interval","rss","heapUsed","heapTotal","cpu","loopP50","loopP99","loopMax","restarts","stats"],"properties":{"parentPid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"host":{"minLength":1,"maxLength":255,"type":"string"},"startedAt":{"minimum":0,"maximum":9007199254740991,"description":"Milliseconds since the Unix epoch.","type":"integer"},"uptime":{"minimum":0,"maximum":9007199254740991,"description":"Milliseconds.","type":"integer"},"interval":{"minimum":1,"maximum":2147483647,"description":"The sender’s heartbeat interval, in ms.","type":"integer"},"rss":{"minimum":0,"description":"Resident set size, bytes.","type":"integer"},"heapUsed":{"minimum":0,"type":"integer"},"heapTotal":{"minimum":0,"type":"integer"},"cpu":{"minimum":0,"description":"CPU use since the previous heartbeat, percent of one core.","type":"number"},"loopP50":{"minimum":0,"description":"Event-loop delay since the previous heartbeat, 50th percentile, ms.","type":"number"},"loopP99":{"minimum":0,"type":"number"},"loopMax":{"minimum":0,"type":"number"},"restarts":{"minimum":0,"description":"How many times its parent restarted it.","type":"integer"},"stats":{"maxProperties":64,"description":"The sender’s stats counters (see Stats in @clustr/runtime).","type":"object","patternProperties":{"^(.*)$":{"anyOf":[{"minimum":0,"type":"integer"},{"maxProperties":64,"type":"object","patternProperties":{"^(.*)$":{"minimum":0,"type":"integer"}}}]}}}}}}}}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

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

exports.validate_command = validate27;
const schema28 = {"additionalProperties":false,"$id":"clustr.frame.command.v2","description":"Asks the master for a rolling reload or a stop (what SIGHUP and SIGTERM do); progress goes to the private channel of meta.pid.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"command","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"additionalProperties":false,"type":"object","required":["action"],"properties":{"action":{"anyOf":[{"const":"reload","type":"string"},{"const":"stop","type":"string"}]}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate27(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.command.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate27.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema28.properties, key0))){
validate27.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate27.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate27.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate27.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("command" !== data1){
validate27.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "command"},message:"must be equal to constant"}];
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
validate27.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate27.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate27.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate27.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate27.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate27.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate27.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate27.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate27.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate27.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate27.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate27.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate27.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate27.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate27.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate27.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate27.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate27.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate27.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if((data9.action === undefined) && (missing2 = "action")){
validate27.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/required",keyword:"required",params:{missingProperty: missing2},message:"must have required property '"+missing2+"'"}];
return false;
}
else {
const _errs23 = errors;
for(const key2 in data9){
if(!(key2 === "action")){
validate27.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs23 === errors){
if(data9.action !== undefined){
let data10 = data9.action;
const _errs25 = errors;
let valid3 = false;
const _errs26 = errors;
if(typeof data10 !== "string"){
const err0 = {instancePath:instancePath+"/data/action",schemaPath:"#/properties/data/properties/action/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if("reload" !== data10){
const err1 = {instancePath:instancePath+"/data/action",schemaPath:"#/properties/data/properties/action/anyOf/0/const",keyword:"const",params:{allowedValue: "reload"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
var _valid0 = _errs26 === errors;
valid3 = valid3 || _valid0;
if(!valid3){
const _errs28 = errors;
if(typeof data10 !== "string"){
const err2 = {instancePath:instancePath+"/data/action",schemaPath:"#/properties/data/properties/action/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if("stop" !== data10){
const err3 = {instancePath:instancePath+"/data/action",schemaPath:"#/properties/data/properties/action/anyOf/1/const",keyword:"const",params:{allowedValue: "stop"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
var _valid0 = _errs28 === errors;
valid3 = valid3 || _valid0;
}
if(!valid3){
const err4 = {instancePath:instancePath+"/data/action",schemaPath:"#/properties/data/properties/action/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
validate27.errors = vErrors;
return false;
}
else {
errors = _errs25;
if(vErrors !== null){
if(_errs25){
vErrors.length = _errs25;
}
else {
vErrors = null;
}
}
}
}
}
}
}
else {
validate27.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
let data11 = data.re;
const _errs30 = errors;
if(errors === _errs30){
if(typeof data11 === "string"){
if(data11.length > 64 && func3(data11) > 64){
validate27.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data11.length < 1 || (data11.length < 2 * 1 && func3(data11) < 1)){
validate27.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate27.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs30 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data12 = data.ts;
const _errs32 = errors;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
validate27.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs32){
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 9007199254740991 || isNaN(data12)){
validate27.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data12 < 0 || isNaN(data12)){
validate27.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs32 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data13 = data.sig;
const _errs34 = errors;
if(errors === _errs34){
if(typeof data13 === "string"){
if(data13.length > 512 && func3(data13) > 512){
validate27.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data13.length < 1 || (data13.length < 2 * 1 && func3(data13) < 1)){
validate27.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate27.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs34 === errors;
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
validate27.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate27.errors = vErrors;
return errors === 0;
}

exports.validate_commandReply = validate28;
const schema29 = {"additionalProperties":false,"$id":"clustr.frame.commandReply.v2","description":"Progress of a command, from the master to the requester; `re` names the command.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"commandReply","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"type":"object","required":["event"],"properties":{"event":{"type":"string"}},"discriminator":{"propertyName":"event"},"oneOf":[{"additionalProperties":false,"type":"object","required":["event","action"],"properties":{"event":{"const":"accepted","type":"string"},"action":{"anyOf":[{"const":"reload","type":"string"},{"const":"stop","type":"string"}]}}},{"additionalProperties":false,"type":"object","required":["event","from","to"],"properties":{"event":{"const":"replaced","type":"string"},"from":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"to":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"}}},{"additionalProperties":false,"type":"object","required":["event","ok","replaced"],"properties":{"event":{"const":"reloaded","type":"string"},"ok":{"type":"boolean"},"replaced":{"maxItems":4096,"type":"array","items":{"additionalProperties":false,"type":"object","required":["from","to"],"properties":{"from":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"to":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"}}}},"failure":{"additionalProperties":false,"type":"object","required":["reason","pid"],"properties":{"reason":{"minLength":1,"maxLength":64,"type":"string"},"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"}}}}},{"additionalProperties":false,"type":"object","required":["event","code"],"properties":{"event":{"const":"stopped","type":"string"},"code":{"minimum":0,"maximum":255,"type":"integer"}}},{"additionalProperties":false,"type":"object","required":["event","reason"],"properties":{"event":{"const":"refused","type":"string"},"reason":{"minLength":1,"maxLength":256,"type":"string"}}}]},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

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

exports.validate_batch = validate29;
const schema30 = {"additionalProperties":false,"$id":"clustr.frame.batch.v2","description":"Several frames for the same channel from the same sender, in order, in one publish. Each item is a whole frame of another kind, checked on its own: one bad item is dropped alone.","type":"object","required":["v","kind","id","meta","data"],"properties":{"v":{"const":2,"type":"number"},"kind":{"const":"batch","type":"string"},"id":{"minLength":1,"maxLength":64,"description":"Unique per sender run; replies name it in `re`.","type":"string"},"meta":{"additionalProperties":false,"description":"Who sent the frame.","type":"object","required":["pid","group"],"properties":{"pid":{"minimum":1,"maximum":2147483647,"description":"An operating-system process id.","type":"integer"},"group":{"pattern":"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])","description":"A group name: letters, digits, _ . -, at most 64.","type":"string"},"instance":{"pattern":"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])","description":"Random per process start: with pid (and host) it names one process run, so a reused pid is never mistaken for an earlier process. The runtime always sets it; signed frames must carry it.","type":"string"},"host":{"minLength":1,"maxLength":255,"description":"Reserved for clusters on several hosts: the sender host. Readers accept it; routing does not use it yet.","type":"string"}}},"seq":{"minimum":1,"maximum":9007199254740991,"description":"Per sender run and channel: 1, 2, 3, ... A receiver that sees a jump counts the frames in between as missed.","type":"integer"},"data":{"minItems":1,"maxItems":1024,"type":"array","items":{"description":"A frame of any kind but batch: validate it against the envelope schema on its own.","type":"object","properties":{}}},"re":{"minLength":1,"maxLength":64,"description":"The id of the frame this one answers.","type":"string"},"ts":{"minimum":0,"maximum":9007199254740991,"description":"Send time, ms since the epoch. Required in signed frames (the replay window).","type":"integer"},"sig":{"minLength":1,"maxLength":512,"description":"HMAC over the channel and the frame text before this member; always the last member.","type":"string"}}};

function validate29(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="clustr.frame.batch.v2" */;
let vErrors = null;
let errors = 0;
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.v === undefined) && (missing0 = "v")) || ((data.kind === undefined) && (missing0 = "kind"))) || ((data.id === undefined) && (missing0 = "id"))) || ((data.meta === undefined) && (missing0 = "meta"))) || ((data.data === undefined) && (missing0 = "data"))){
validate29.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];
return false;
}
else {
const _errs1 = errors;
for(const key0 in data){
if(!(func2.call(schema30.properties, key0))){
validate29.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs1 === errors){
if(data.v !== undefined){
let data0 = data.v;
const _errs2 = errors;
if(!((typeof data0 == "number") && (isFinite(data0)))){
validate29.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/type",keyword:"type",params:{type: "number"},message:"must be number"}];
return false;
}
if(2 !== data0){
validate29.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];
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
validate29.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
if("batch" !== data1){
validate29.errors = [{instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "batch"},message:"must be equal to constant"}];
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
validate29.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data2.length < 1 || (data2.length < 2 * 1 && func3(data2) < 1)){
validate29.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate29.errors = [{instancePath:instancePath+"/id",schemaPath:"#/properties/id/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate29.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/required",keyword:"required",params:{missingProperty: missing1},message:"must have required property '"+missing1+"'"}];
return false;
}
else {
const _errs10 = errors;
for(const key1 in data3){
if(!((((key1 === "pid") || (key1 === "group")) || (key1 === "instance")) || (key1 === "host"))){
validate29.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"}];
return false;
break;
}
}
if(_errs10 === errors){
if(data3.pid !== undefined){
let data4 = data3.pid;
const _errs11 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate29.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs11){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 2147483647 || isNaN(data4)){
validate29.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/maximum",keyword:"maximum",params:{comparison: "<=", limit: 2147483647},message:"must be <= 2147483647"}];
return false;
}
else {
if(data4 < 1 || isNaN(data4)){
validate29.errors = [{instancePath:instancePath+"/meta/pid",schemaPath:"#/properties/meta/properties/pid/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
validate29.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate29.errors = [{instancePath:instancePath+"/meta/group",schemaPath:"#/properties/meta/properties/group/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate29.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,32}(?![\\s\\S])"+"\""}];
return false;
}
}
else {
validate29.errors = [{instancePath:instancePath+"/meta/instance",schemaPath:"#/properties/meta/properties/instance/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate29.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/maxLength",keyword:"maxLength",params:{limit: 255},message:"must NOT have more than 255 characters"}];
return false;
}
else {
if(data7.length < 1 || (data7.length < 2 * 1 && func3(data7) < 1)){
validate29.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate29.errors = [{instancePath:instancePath+"/meta/host",schemaPath:"#/properties/meta/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"}];
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
validate29.errors = [{instancePath:instancePath+"/meta",schemaPath:"#/properties/meta/type",keyword:"type",params:{type: "object"},message:"must be object"}];
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
validate29.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs19){
if((typeof data8 == "number") && (isFinite(data8))){
if(data8 > 9007199254740991 || isNaN(data8)){
validate29.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data8 < 1 || isNaN(data8)){
validate29.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];
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
if(Array.isArray(data9)){
if(data9.length > 1024){
validate29.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/maxItems",keyword:"maxItems",params:{limit: 1024},message:"must NOT have more than 1024 items"}];
return false;
}
else {
if(data9.length < 1){
validate29.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"}];
return false;
}
else {
var valid2 = true;
const len0 = data9.length;
for(let i0=0; i0<len0; i0++){
let data10 = data9[i0];
const _errs23 = errors;
if(errors === _errs23){
if(!(data10 && typeof data10 == "object" && !Array.isArray(data10))){
validate29.errors = [{instancePath:instancePath+"/data/" + i0,schemaPath:"#/properties/data/items/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
var valid2 = _errs23 === errors;
if(!valid2){
break;
}
}
}
}
}
else {
validate29.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "array"},message:"must be array"}];
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
let data11 = data.re;
const _errs25 = errors;
if(errors === _errs25){
if(typeof data11 === "string"){
if(data11.length > 64 && func3(data11) > 64){
validate29.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters"}];
return false;
}
else {
if(data11.length < 1 || (data11.length < 2 * 1 && func3(data11) < 1)){
validate29.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate29.errors = [{instancePath:instancePath+"/re",schemaPath:"#/properties/re/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs25 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.ts !== undefined){
let data12 = data.ts;
const _errs27 = errors;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
validate29.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];
return false;
}
if(errors === _errs27){
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 9007199254740991 || isNaN(data12)){
validate29.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 9007199254740991},message:"must be <= 9007199254740991"}];
return false;
}
else {
if(data12 < 0 || isNaN(data12)){
validate29.errors = [{instancePath:instancePath+"/ts",schemaPath:"#/properties/ts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];
return false;
}
}
}
}
var valid0 = _errs27 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.sig !== undefined){
let data13 = data.sig;
const _errs29 = errors;
if(errors === _errs29){
if(typeof data13 === "string"){
if(data13.length > 512 && func3(data13) > 512){
validate29.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/maxLength",keyword:"maxLength",params:{limit: 512},message:"must NOT have more than 512 characters"}];
return false;
}
else {
if(data13.length < 1 || (data13.length < 2 * 1 && func3(data13) < 1)){
validate29.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];
return false;
}
}
}
else {
validate29.errors = [{instancePath:instancePath+"/sig",schemaPath:"#/properties/sig/type",keyword:"type",params:{type: "string"},message:"must be string"}];
return false;
}
}
var valid0 = _errs29 === errors;
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
validate29.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];
return false;
}
}
validate29.errors = vErrors;
return errors === 0;
}

