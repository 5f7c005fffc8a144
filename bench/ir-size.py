#!/usr/bin/env python3
"""What wasm-lower's IR is made of: instructions and bytes of IR by cause.

usage: bench/ir-size.py [--bin DIR] [--opt] [FILE.wasm|FILE.ll...]

Without files (as make bench runs it) the inputs are those of
bench/passes.py: bench/kernels.c (clang -O2 to wasm32), a module of
bench/gen-big.py (4 units of 60 functions) and test/e2e/rust/collections.rs
(when rustc is there).  Each .wasm goes through wasm-parse | wasm-verify | wasm-lower (from DIR,
default bin/ of this tree); a .ll is read as it is.  Every instruction of
every function is put in one class by the idiom wasm-lower emits for it
(the classes and their markers are in classify() below), and the table
gives, per class, the instructions, the bytes of IR text they take, and
their share.  The wasm side of the ratio is the code section's bytes and
the number of wasm instructions (lines of the module text in function
bodies).  With --opt the IR is also run through wasm-codegen --emit-llvm
(-O2) and the instructions left are counted, for the size LLVM's passes
start from against what they end with.

The classification reads the text, so it is a measurement tool, not a
contract: a class that reads 0 after a change to wasm-lower may mean the
idiom changed.  Rerun it on the same inputs before and after a change to
wasm-lower (the README's status bullet and issue 12 quote its figures).
"""
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, 'bench'))
from benchlib import code_size  # noqa: E402

CLASSES = [
    ('locals', 'locals as allocas: their loads, stores and allocas'),
    ('sinks', 'load sinks: xor into the sink allocas, their fold at returns and traps'),
    ('stack', 'stack-limit check at function entry'),
    ('interrupt', 'interrupt checks (function entry, loop and strip headers)'),
    ('traps', 'trap blocks (call of the trap stub) and the branches to them'),
    ('address', 'heap addresses: zext, add of the static offset, gep, bitcast'),
    ('addr+0', '  of which: add of a static offset of 0'),
    ('ctx', 'context fields: gep, bitcast, load (globals, memory size, tables, rt)'),
    ('bool', 'i1 -> i32 -> i1 round trips (zext i1, icmp ne 0)'),
    ('strip', 'strip mining: strip headers, counters, strip ends'),
    ('glue', 'control glue: unconditional br, phi, unreachable, ret'),
    ('wasm', 'the operations themselves (arithmetic, loads, stores, calls, compares)'),
]

INSTR = re.compile(r'^\s+(?:(%[-\w.]+) = )?(.*)$')
NAME = re.compile(r'%[-\w.]+')


def parse(text):
    """Functions as lists of (label, [(name, body)]) blocks, and the bytes
    and lines outside functions."""
    funcs, outside, labels, cur, block = [], 0, 0, None, None
    for line in text.splitlines():
        if line.startswith('define '):
            cur, block = [], None
            labels += len(line) + 1
            continue
        if cur is None:
            outside += len(line) + 1
            continue
        if line == '}':
            funcs.append(cur)
            cur = None
            labels += len(line) + 1
            continue
        m = re.match(r'^([-\w.]+):', line)
        if m:
            block = (m.group(1), [])
            cur.append(block)
            labels += len(line) + 1
            continue
        m = INSTR.match(line)
        if m and m.group(2):
            if block is None:
                block = ('entry', [])
                cur.append(block)
            block[1].append((m.group(1), m.group(2), len(line) + 1))
        else:
            labels += len(line) + 1
    return funcs, outside, labels


class Func:
    """One function's instructions: definitions, uses, marks."""

    def __init__(self, blocks):
        self.blocks, self.defs, self.uses, self.cls = blocks, {}, {}, {}
        for label, instrs in blocks:
            for name, body, _ in instrs:
                if name:
                    self.defs[name] = body
                for u in NAME.findall(body):
                    self.uses.setdefault(u, []).append(body)
        allocas = [n for n, body, _ in blocks[0][1] if body.startswith('alloca ')] if blocks else []
        # keep_load's sinks: the last three allocas (i32, i64, <2 x i64>)
        self.sinks = set()
        if len(allocas) >= 3 and self.defs[allocas[-1]].startswith('alloca <2 x i64>'):
            self.sinks = set(allocas[-3:])
        self.slots = set(allocas) - self.sinks
        self.membase = next((n for n, b in self.defs.items() if '!invariant.load' in b), None)

    def d(self, name):
        return self.defs.get(name, '')

    def is_ctx_ptr(self, name):
        """A bitcast of a gep at a constant offset from ctx (%0)."""
        b = self.d(name)
        return b.startswith('bitcast i8* ') and \
            self.d(NAME.findall(b)[0]).startswith('getelementptr inbounds i8, i8* %0,')

    def mark_addresses(self):
        """gep on the heap base, its offset add and zext, the bitcast of it."""
        if not self.membase:
            return
        head = 'getelementptr inbounds i8, i8* %s, i64 ' % self.membase
        for name, body in self.defs.items():
            if not body.startswith(head):
                continue
            self.cls[name] = 'address'
            for u in NAME.findall(body[len(head):]):
                ub = self.d(u)
                if ub.startswith('add i64 '):
                    self.cls[u] = 'addr+0' if ub.endswith(', 0') else 'address'
                    u = NAME.findall(ub)[0]
                    ub = self.d(u)
                if ub.startswith('zext i32 '):
                    self.cls[u] = 'address'
        for name, body in self.defs.items():
            if body.startswith('bitcast i8* ') and self.cls.get(NAME.findall(body)[0]) == 'address':
                self.cls[name] = 'address'

    def to_sink(self, name, body):
        """Part of keep_load's xor into a sink, or of the sinks' fold."""
        ops = NAME.findall(body)
        if name in self.sinks or (body.startswith(('load ', 'store ')) and ops and ops[-1] in self.sinks):
            return True
        if 'asm sideeffect' in body:
            return True
        uses = self.uses.get(name, [])
        if body.startswith('xor ') and any(u.startswith('store ') and NAME.findall(u)[-1] in self.sinks
                                           for u in uses):
            return True
        if body.startswith(('bitcast ', 'zext ', 'extractelement <2 x i64>', 'xor i64')) and uses and \
                all(self.sinkish(u) for u in uses):
            return True
        return False

    def sinkish(self, use):
        """use is an instruction of a sink chain."""
        if 'asm sideeffect' in use or '@wasm_aot_trap' in use:
            return True
        if use.startswith('xor '):
            return any(self.d(o).startswith('load ') and NAME.findall(self.d(o))[-1] in self.sinks
                       or self.d(o).startswith(('extractelement <2 x i64>', 'xor i64'))
                       for o in NAME.findall(use))
        return False

    def classify_one(self, label, name, body):
        ops = NAME.findall(body)
        c = self.cls.get(name)
        if c:
            return c
        if self.to_sink(name, body):
            return 'sinks'
        if body.startswith('alloca ') or (body.startswith(('load ', 'store ')) and ops and ops[-1] in self.slots):
            return 'locals'
        if 'llvm.frameaddress' in body or (body.startswith('ptrtoint') and 'frameaddress' in self.d(ops[0])):
            return 'stack'
        if label.startswith('trap'):
            return 'traps'
        if label.startswith('interrupt') or 'load volatile' in body:
            return 'interrupt'
        if body.startswith('getelementptr inbounds i8, i8* %0,') or self.is_ctx_ptr(name) or \
                (body.startswith('load ') and ops and self.is_ctx_ptr(ops[-1])):
            if body.startswith('getelementptr') and any('load volatile' in u for u in
                                                       self.uses.get(self.ctx_cast(name), [])):
                return 'interrupt'
            return 'stack' if self.stack_field(name, body) else 'ctx'
        if body.startswith('icmp '):
            src = ' '.join(self.d(o) for o in ops)
            if 'load volatile' in src:
                return 'interrupt'
            if 'frameaddress' in src or 'ptrtoint' in src:
                return 'stack'
        if body.startswith('br i1') and 'label %interrupt' in body:
            return 'interrupt'
        if body.startswith('br i1') and 'label %trap' in body:
            cond = self.d(ops[0])
            return 'stack' if 'ptrtoint' in ' '.join(self.d(o) for o in NAME.findall(cond)) else 'traps'
        if body.startswith('zext i1 ') and self.uses.get(name) and \
                all(u.startswith('icmp ne i32 %s, 0' % name) for u in self.uses[name]):
            return 'bool'
        if body.startswith('icmp ne i32 ') and body.endswith(', 0') and self.d(ops[0]).startswith('zext i1 '):
            return 'bool'
        if label.startswith('strip'):
            return 'strip'
        if body.startswith(('br label', 'phi ', 'unreachable', 'ret ')):
            return 'glue'
        return 'wasm'

    def ctx_cast(self, gep):
        return next((n for n, b in self.defs.items() if b.startswith('bitcast i8* %s ' % gep)), '')

    def stack_field(self, name, body):
        """The load of ctx's stack limit (offset 56) and its gep and cast."""
        if body.startswith('getelementptr'):
            return body.endswith('i64 56')
        ops = NAME.findall(body)
        if body.startswith('bitcast'):
            return self.d(ops[0]).endswith('i64 56')
        return self.stack_field(ops[-1], self.d(ops[-1]))

    def classify(self):
        """{class: [instructions, bytes]}"""
        self.mark_addresses()
        result = {}
        for label, instrs in self.blocks:
            for name, body, n in instrs:
                c = self.classify_one(label, name, body)
                for k in (c, 'address') if c == 'addr+0' else (c,):
                    r = result.setdefault(k, [0, 0])
                    r[0] += 1
                    r[1] += n
        return result


def lower(path, bindir):
    if path.endswith('.ll'):
        return open(path).read(), None, None
    parse_ = subprocess.run([os.path.join(bindir, 'wasm-parse'), path], check=True,
                            stdout=subprocess.PIPE)
    verify = subprocess.run([os.path.join(bindir, 'wasm-verify')], input=parse_.stdout, check=True,
                            stdout=subprocess.PIPE)
    low = subprocess.run([os.path.join(bindir, 'wasm-lower')], input=verify.stdout, check=True,
                         stdout=subprocess.PIPE)
    text = verify.stdout.decode()
    nwasm, infunc = 0, False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith('(func'):
            infunc = True
            continue
        if infunc and (s.startswith('(') or not s):
            infunc = s.startswith('(local')
            continue
        if infunc:
            nwasm += 1
    return low.stdout.decode(), nwasm, code_size(path)


def count_opt(ir, bindir):
    with tempfile.NamedTemporaryFile('w', suffix='.ll') as f:
        f.write(ir)
        f.flush()
        out = subprocess.run([os.path.join(bindir, 'wasm-codegen'), '--emit-llvm', '-o', '-', f.name],
                             check=True, stdout=subprocess.PIPE).stdout.decode()
    funcs, _, _ = parse(out)
    return sum(len(b[1]) for fn in funcs for b in fn)


def report(path, bindir, opt):
    ir, nwasm, wasm_bytes = lower(path, bindir)
    funcs, outside, labels = parse(ir)
    total = {}
    for fn in funcs:
        for c, (n, b) in Func(fn).classify().items():
            t = total.setdefault(c, [0, 0])
            t[0] += n
            t[1] += b
    ninstr = sum(v[0] for c, v in total.items() if c != 'addr+0')
    nbytes = sum(v[1] for c, v in total.items() if c != 'addr+0') + labels
    print('%s: %d functions; IR %d bytes (%d in functions, %d outside: contract, declarations)'
          % (path, len(funcs), len(ir), nbytes, outside))
    if nwasm:
        print('wasm: code section %d bytes, %d instructions; IR/code %.1fx in bytes, '
              '%.2f LLVM instructions per wasm instruction' % (wasm_bytes, nwasm, len(ir) / max(wasm_bytes, 1),
                                                              ninstr / nwasm))
    print('%-10s %10s %6s %12s %6s  %s' % ('class', 'instrs', '%', 'IR bytes', '%', 'what'))
    for c, what in CLASSES:
        n, b = total.get(c, [0, 0])
        print('%-10s %10d %5.1f%% %12d %5.1f%%  %s' % (c, n, 100 * n / max(ninstr, 1), b,
                                                      100 * b / max(nbytes, 1), what))
    print('%-10s %10s %6s %12d %5.1f%%  %s' % ('labels', '-', '', labels, 100 * labels / max(nbytes, 1),
                                             'block labels with their "; preds" comments, define lines'))
    print('%-10s %10d %6s %12d' % ('total', ninstr, '', nbytes))
    if opt:
        n = count_opt(ir, bindir)
        print('after wasm-codegen -O2 (--emit-llvm): %d instructions (%.2f per wasm instruction)'
              % (n, n / max(nwasm or 1, 1)))
    print()


def main(argv):
    bindir, opt, files = os.path.join(TOP, 'bin'), False, []
    i = 0
    while i < len(argv):
        if argv[i] == '--bin' and i + 1 < len(argv):
            bindir = os.path.abspath(argv[i + 1])
            i += 1
        elif argv[i] == '--opt':
            opt = True
        elif argv[i].startswith('-'):
            print(__doc__.strip().splitlines()[2], file=sys.stderr)
            return 2
        else:
            files.append(argv[i])
        i += 1
    with tempfile.TemporaryDirectory(prefix='wa-irsize-') as d:
        if not files:
            sys.argv[1:] = []
            import passes  # noqa: E402  (its inputs)
            files = [w for _, w in passes.inputs(d, False)]
        for f in files:
            report(f, bindir, opt)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
