// Command-line args as a process reads them and as it hands them to children
// (process/config.ts). How they flow through a cluster: options.test.ts ("config").
import { CLUSTER_ARG_PREFIX, clusterArgs, parseArgs, renderArgs } from '../../src/process/config';

describe('parseArgs', () => {
  test('no args: an empty config', () => {
    expect(parseArgs([])).toEqual({});
  });

  test('--key=value and --key value are read with their type; both dashed and camel-case keys are kept; positionals and $0 are not', () => {
    expect(parseArgs(['--port=3000', '--cluster-max-jobs=4', '--name', 'x', '--no-color', 'rest'])).toEqual({
      port: 3000,
      'cluster-max-jobs': 4,
      clusterMaxJobs: 4,
      name: 'x',
      color: false,
    });
  });

  test('--flag=true and --flag=false are booleans, as a bare --flag is, at any depth of a dotted arg', () => {
    expect(parseArgs(['--on=true', '--off=false', '--bare', '--db.tls=true', '--db.pool.ssl=false', '--db.host=h1'])).toEqual({
      on: true,
      off: false,
      bare: true,
      db: { tls: true, pool: { ssl: false }, host: 'h1' },
    });
  });

  test('only the exact words true and false become booleans', () => {
    expect(parseArgs(['--a=TRUE', '--b=yes', '--c=truex'])).toEqual({ a: 'TRUE', b: 'yes', c: 'truex' });
  });

  test('a flag given twice takes the last value, not a list', () => {
    expect(parseArgs(['--port=1', '--port=2'])).toEqual({ port: 2 });
  });

  test('--help and --version are the worker’s own flags: read like any other, nothing printed', () => {
    expect(parseArgs(['--help', '--version=2'])).toEqual({ help: true, version: 2 });
  });

  test('what renderArgs hands a child, parseArgs reads back the same', () => {
    const args = { port: 3000, flag: true, off: false, name: 'a b', db: { host: 'h1', tls: true, pool: { max: 8 } } };
    expect(parseArgs(renderArgs(args))).toEqual(args);
  });
});

describe('clusterArgs', () => {
  test('keeps the --cluster-* args, dashed keys only', () => {
    expect(CLUSTER_ARG_PREFIX).toBe('cluster-');
    expect(clusterArgs({ 'cluster-max-jobs': 4, clusterMaxJobs: 4, port: 1, 'cluster-db': { host: 'h' }, cluster: 'x', 'my-cluster-x': 1 })).toEqual({
      'cluster-max-jobs': 4,
      'cluster-db': { host: 'h' },
    });
    expect(clusterArgs({})).toEqual({});
  });
});

describe('renderArgs', () => {
  test('each arg as --key=value, in order; undefined left out', () => {
    expect(renderArgs({ a: 1, b: undefined, name: 'a b', e: false, t: true })).toEqual(['--a=1', '--name=a b', '--e=false', '--t=true']);
    expect(renderArgs({})).toEqual([]);
  });

  test('a list repeats the flag; an object becomes dotted flags, all the way down', () => {
    expect(renderArgs({ c: ['x', 'y'], d: { k: 1, n: { m: 'z' }, skip: undefined }, after: 2 })).toEqual(['--c=x', '--c=y', '--d.k=1', '--d.n.m=z', '--after=2']);
  });

  test('an object inside a list goes as JSON; null as the word null', () => {
    expect(renderArgs({ l: [{ a: 1 }, null, [2]] })).toEqual(['--l={"a":1}', '--l=null', '--l=[2]']);
    expect(renderArgs({ n: null })).toEqual(['--n=null']);
  });
});
