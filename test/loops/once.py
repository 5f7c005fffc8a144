#!/usr/bin/env python3
"""Writes a module of counted loops whose induction variable starts at a
constant, with a constant bound and step: wasm-lower lowers those that
run at most one strip (65,536 iterations here) as one plain loop
(once_*), the others strip-mined (strip_*).  Each has a twin (NAME_ref)
with a second branch back, never taken, that keeps it a plain loop.
All return their iteration count."""

# (name, type, comparison, start, step, bound); "tee" is `local.tee i;
# br_if 0` (i != 0)
CASES = [
    ('once_ne_up4', 'i32', 'ne', 0, 4, 184),
    ('once_ne_wrap', 'i32', 'ne', 0xfffffff0, 1, 0x10),
    ('once_ne_down2', 'i32', 'ne', 400, -2, 0),
    ('once_ne_65536', 'i32', 'ne', 0, 1, 65536),
    ('strip_ne_65537', 'i32', 'ne', 0, 1, 65537),
    ('once_ltu', 'i32', 'lt_u', 0, 1, 1000),
    ('once_ltu_past', 'i32', 'lt_u', 10, 1, 5),
    ('strip_ltu_wrap', 'i32', 'lt_u', 0xffffffff, 1, 5),
    ('once_lts', 'i32', 'lt_s', -100, 1, 100),
    ('once_lts_past', 'i32', 'lt_s', 5, 1, -5),
    ('strip_lts_wrap', 'i32', 'lt_s', 0x7fffffff, 1, 0x80000005),
    ('once_gtu', 'i32', 'gt_u', 200, -1, 0),
    ('strip_gtu_wrap', 'i32', 'gt_u', 0, -1, 0xfffffffa),
    ('once_gts', 'i32', 'gt_s', 100, -1, -100),
    ('strip_gts_wrap', 'i32', 'gt_s', 0x80000000, -1, 0x7ffffffa),
    ('once_tee', 'i32', 'tee', -50, 1, 0),
    ('once_ne64', 'i64', 'ne', 0, 8, 800),
    ('once_ltu64', 'i64', 'lt_u', 0x100000000, 1, 0x100000010),
    ('once_gts64', 'i64', 'gt_s', 0, -1, -1000),
    ('strip_ltu64_long', 'i64', 'lt_u', 0, 1, 0x10000000),
]


def func(name, t, cmp, start, step, bound, twin):
    op = 'add' if step > 0 else 'sub'
    bits = 32 if t == 'i32' else 64
    mask = (1 << bits) - 1
    nxt = '(local.tee $i (%s.%s (local.get $i) (%s.const %d)))' % (t, op, t, abs(step))
    cond = nxt if cmp == 'tee' else '(%s.%s %s (%s.const %d))' % (t, cmp, nxt, t, bound & mask)
    never = '\n      (br_if 0 (i32.eqz (local.get $never)))' if twin else ''
    return '''  (func $%s (export "%s") (param $never i32) (result i64) (local $i %s) (local $count i64)
    (local.set $i (%s.const %d))
    (loop
      (local.set $count (i64.add (local.get $count) (i64.const 1)))%s
      (br_if 0 %s))
    (local.get $count))''' % ((name + ('_ref' if twin else ''),) * 2 + (t,) + (t, start & mask, never, cond))


if __name__ == '__main__':
    print('(module')
    for c in CASES:
        print(func(*c, twin=False))
        print(func(*c, twin=True))
    print(')')
