import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags, readCsv, type Arg } from './parse.js';
import { shellCommands } from './shell.js';
import { findComponent } from '../process.js';

const args = (...texts: string[]): Arg[] => texts.map((text, i) => ({ text, path: ['command', i + 1] }));
const kinds = (p: ReturnType<typeof parseFlags>) => p.problems.map((x) => `${x.kind}${x.fatal ? '!' : ''}`);

describe('Kubernetes flag parsing (pflag)', () => {
  it('reads --f=v, --f v and bare booleans, located at the flag argument', () => {
    const p = parseFlags('kube-apiserver', args('--audit-log-path=/var/log/a.log', '--audit-policy-file', '/etc/p.yaml', '--profiling'));
    assert.equal(p.value('audit-log-path'), '/var/log/a.log');
    assert.equal(p.value('audit-policy-file'), '/etc/p.yaml');
    assert.deepEqual(p.last('audit-policy-file')?.arg.path, ['command', 2]);
    assert.deepEqual(p.last('audit-policy-file')?.valueArg?.path, ['command', 3]);
    assert.deepEqual(p.bool('profiling'), { value: true, at: p.last('profiling') });
    assert.deepEqual(p.problems, []);
  });

  it('a boolean flag takes no separate value: `--anonymous-auth false` is true plus a stray argument', () => {
    const p = parseFlags('kube-apiserver', args('--anonymous-auth', 'false'));
    assert.equal(p.bool('anonymous-auth')?.value, true);
    assert.deepEqual(kinds(p), ['stray-argument!']);
    assert.match(p.problems[0].message, /sets --anonymous-auth to true and leaves "false" as a stray argument/);
    assert.deepEqual(p.problems[0].arg.path, ['command', 2]);
  });

  it('accepts every strconv.ParseBool spelling and rejects the rest', () => {
    for (const [v, want] of [['1', true], ['t', true], ['TRUE', true], ['True', true], ['0', false], ['F', false], ['False', false]] as const) {
      assert.equal(parseFlags('kube-apiserver', args(`--anonymous-auth=${v}`)).bool('anonymous-auth')?.value, want, v);
    }
    for (const v of ['yes', 'no', 'on', 'off', ' false', 'false ']) {
      const p = parseFlags('kube-apiserver', args(`--anonymous-auth=${v}`));
      assert.equal(p.bool('anonymous-auth'), undefined, v);
      assert.deepEqual(kinds(p), ['invalid-bool!'], v);
    }
  });

  it('repeated single-valued flags: the last wins, and the overridden value is reported', () => {
    const p = parseFlags('kube-apiserver', args('--profiling=false', '--profiling=true', '--profiling=true'));
    assert.equal(p.bool('profiling')?.value, true);
    assert.deepEqual(kinds(p), ['repeated-value']);
    assert.match(p.problems[0].message, /"true" here replaces "false"/);
  });

  it('list flags accumulate over repetitions (pflag StringSlice) and read values as CSV', () => {
    const p = parseFlags('kube-apiserver', args('--enable-admission-plugins=NodeRestriction,PodSecurity', '--enable-admission-plugins', 'EventRateLimit'));
    assert.deepEqual(p.list('enable-admission-plugins')?.map((x) => x.value), ['NodeRestriction', 'PodSecurity', 'EventRateLimit']);
    assert.deepEqual(p.problems, []);
    // spaces are kept, as pflag keeps them
    assert.deepEqual(parseFlags('kube-apiserver', args('--authorization-mode=Node, RBAC')).list('authorization-mode')?.map((x) => x.value), ['Node', ' RBAC']);
  });

  it('map flags accumulate per key', () => {
    const p = parseFlags('kube-controller-manager', args('--feature-gates=A=true,RotateKubeletServerCertificate=true', '--feature-gates=RotateKubeletServerCertificate=false'));
    const m = p.map('feature-gates');
    assert.equal(m?.get('A')?.value, 'true');
    assert.equal(m?.get('RotateKubeletServerCertificate')?.value, 'false');
  });

  it('normalizes underscores like component-base (WordSepNormalizeFunc)', () => {
    const p = parseFlags('kube-apiserver', args('--anonymous_auth=false', '--audit_log_path=/a'));
    assert.equal(p.bool('anonymous-auth')?.value, false);
    assert.equal(p.value('audit-log-path'), '/a');
  });

  it('reads shorthands: -v=2, -v2, -v 2', () => {
    for (const a of [['-v=2'], ['-v2'], ['-v', '2']]) {
      const p = parseFlags('kube-scheduler', args(...a));
      assert.equal(p.value('v'), '2', a.join(' '));
      assert.deepEqual(p.problems, []);
    }
  });

  it('a single-dash long flag is a cluster of unknown shorthands: the component refuses to start', () => {
    const p = parseFlags('kube-apiserver', args('-anonymous-auth=false'));
    assert.deepEqual(kinds(p), ['unknown-flag!']);
    assert.match(p.problems[0].message, /unknown shorthand flag 'a'.*two dashes/);
  });

  it('unknown flags: did-you-mean, and removed flags say what they were', () => {
    const p = parseFlags('kube-apiserver', args('--anonymus-auth=false', '--insecure-port=8080', '--basic-auth-file', '/etc/pw.csv', '--profiling=false'));
    assert.deepEqual(kinds(p), ['unknown-flag!', 'unknown-flag!', 'unknown-flag!']);
    assert.match(p.problems[0].message, /did you mean --anonymous-auth\?/);
    assert.match(p.problems[1].message, /unauthenticated HTTP port, removed in v1\.24/);
    assert.equal(p.problems[1].value, '8080');
    assert.equal(p.problems[2].value, '/etc/pw.csv', 'the unknown flag takes its separate value, which is not a stray argument');
    assert.equal(p.bool('profiling')?.value, false, 'parsing goes on after a problem');
  });

  it('odd quoting: literal quotes reach the component (no shell in a container command)', () => {
    const p = parseFlags('kube-apiserver', args('--anonymous-auth="false"', '--audit-log-path=\'/var/log/a.log\'', '--authorization-mode="Node,RBAC"'));
    assert.deepEqual(kinds(p), ['quoted-value!', 'quoted-value', 'quoted-value']);
    assert.match(p.problems[2].message, /one list item, not 2/);
    assert.equal(p.bool('anonymous-auth'), undefined);
    assert.equal(p.value('audit-log-path'), "'/var/log/a.log'");
    // pflag reads the list as CSV: the quotes group the whole value into one (unknown) mode
    assert.deepEqual(p.list('authorization-mode')?.map((x) => x.value), ['Node,RBAC']);
    // a quoted single item is plain CSV quoting: nothing to report
    const one = parseFlags('kube-apiserver', args('--tls-cipher-suites="TLS_AES_128_GCM_SHA256"'));
    assert.deepEqual(one.problems, []);
    assert.deepEqual(one.list('tls-cipher-suites')?.map((x) => x.value), ['TLS_AES_128_GCM_SHA256']);
  });

  it('never prints values of flags that could hold a credential', () => {
    const p = parseFlags('etcd', args('--auth-token=simple', '--auth-token=jwt,priv-key=/k'));
    assert.doesNotMatch(p.problems[0].message, /simple|priv-key/);
    assert.match(p.problems[0].message, /<redacted>/);
  });

  it('stray, blank and space-prefixed arguments; -- ends the flags', () => {
    const p = parseFlags('kube-apiserver', args('serve', '', ' --profiling=false', '--profiling=true', '--', '--anonymous-auth=false'));
    assert.deepEqual(kinds(p), ['stray-argument!', 'stray-argument', 'stray-argument!', 'stray-argument!']);
    assert.match(p.problems[2].message, /starts with a space/);
    assert.equal(p.isSet('anonymous-auth'), false, 'after --, nothing is a flag');
  });

  it('a list flag split by a YAML flow sequence ([a, --f=x,y] is three items) leaves a stray argument with a hint', () => {
    const p = parseFlags('kube-apiserver', args('--authorization-mode=Node', 'RBAC'));
    assert.deepEqual(p.list('authorization-mode')?.map((x) => x.value), ['Node']);
    assert.deepEqual(kinds(p), ['stray-argument!']);
    assert.match(p.problems[0].message, /YAML flow sequence .* quote the whole flag/);
  });

  it('a value flag at the end without its value', () => {
    assert.deepEqual(kinds(parseFlags('kube-apiserver', args('--audit-log-path'))), ['missing-value!']);
  });

  it('pflag takes the next argument as the value even when it looks like a flag', () => {
    const p = parseFlags('kube-apiserver', args('--audit-log-path', '--profiling=false'));
    assert.equal(p.value('audit-log-path'), '--profiling=false');
    assert.equal(p.isSet('profiling'), false);
  });
});

describe('etcd flag parsing (Go flag package)', () => {
  it('reads -f and --f alike, without normalizing underscores', () => {
    const p = parseFlags('etcd', args('-client-cert-auth', '--cert-file=/c.crt', '--key-file', '/c.key', '--auto_tls'));
    assert.equal(p.bool('client-cert-auth')?.value, true);
    assert.equal(p.value('cert-file'), '/c.crt');
    assert.equal(p.value('key-file'), '/c.key');
    assert.deepEqual(kinds(p), ['unknown-flag!']);
  });

  it('stops at the first non-flag argument, which etcd refuses', () => {
    const p = parseFlags('etcd', args('--client-cert-auth', 'true', '--auto-tls'));
    assert.equal(p.isSet('auto-tls'), false);
    assert.deepEqual(kinds(p), ['stray-argument!']);
  });
});

describe('CSV values', () => {
  it('splits, groups quotes, rejects stray quotes', () => {
    assert.deepEqual(readCsv('a,b,,c'), ['a', 'b', '', 'c']);
    assert.deepEqual(readCsv('"a,b",c'), ['a,b', 'c']);
    assert.deepEqual(readCsv('"a""b"'), ['a"b']);
    assert.equal(readCsv('a"b'), undefined);
    assert.deepEqual(readCsv(''), []);
  });
});

describe('finding the component in a command', () => {
  const argv = (...texts: string[]): Arg[] => texts.map((text, i) => ({ text, path: ['command', i] }));

  it('by binary name, in any directory, and hyperkube subcommands', () => {
    assert.equal(findComponent(argv('/usr/local/bin/kube-apiserver', '--profiling=false'))?.component, 'kube-apiserver');
    assert.equal(findComponent(argv('/hyperkube', 'controller-manager', '--profiling=false'))?.component, 'kube-controller-manager');
    assert.equal(findComponent(argv('kube-state-metrics')), undefined);
  });

  it('inside sh -c scripts, after exec and variable assignments', () => {
    const f = findComponent(argv('/bin/sh', '-ec', 'mkdir -p /x && GOMAXPROCS=2 exec etcd --client-cert-auth=true --name "$(hostname)"'));
    assert.equal(f?.component, 'etcd');
    assert.deepEqual(f?.args.map((a) => a.text), ['--client-cert-auth=true', '--name', '$(hostname)']);
    assert.deepEqual(f?.args[0].path, ['command', 2], 'every flag points at the script');
  });
});

describe('shell words', () => {
  it('quotes, escapes, continuations and separators', () => {
    const cmds = shellCommands(`kube-apiserver \\\n  --a='x y' --b="p \\"q\\"" --c=$HOME; echo done # comment`);
    assert.deepEqual(cmds.map((c) => c.map((w) => w.text)), [['kube-apiserver', '--a=x y', '--b=p "q"', '--c=$HOME'], ['echo', 'done']]);
    assert.equal(cmds[0][3].dynamic, true);
  });
});
