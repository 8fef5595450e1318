#!/usr/bin/env python3
"""Where the page's wasm goes: the code size of each function, added up by crate and module.

Usage: scripts/wasm-sizes.py FILE.wasm [DEPTH]   (FILE must keep its name section:
`wasm-opt -Oz -g` of target/wasm-bindgen/release/maillab_bg.wasm is what `make size` ships,
with names). Prints raw bytes and a gzip estimate per group (each group's bodies compressed
together, so the figures add up to a little more than the whole file compresses to).
"""
import collections
import re
import sys
import zlib


def leb(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def sections(data):
    pos = 8
    while pos < len(data):
        sid = data[pos]
        size, pos = leb(data, pos + 1)
        yield sid, data[pos:pos + size]
        pos += size


def main():
    data = open(sys.argv[1], 'rb').read()
    depth = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    imported = 0
    bodies = []
    names = {}
    data_bytes = b''
    for sid, body in sections(data):
        if sid == 2:  # imports: functions among them take the first indices
            count, pos = leb(body, 0)
            for _ in range(count):
                for _ in range(2):
                    n, pos = leb(body, pos)
                    pos += n
                kind = body[pos]
                pos += 1
                if kind == 0:
                    _, pos = leb(body, pos)
                    imported += 1
                elif kind == 1:
                    pos += 1
                    flags, pos = leb(body, pos)
                    _, pos = leb(body, pos)
                    if flags & 1:
                        _, pos = leb(body, pos)
                elif kind == 2:
                    flags, pos = leb(body, pos)
                    _, pos = leb(body, pos)
                    if flags & 1:
                        _, pos = leb(body, pos)
                elif kind == 3:
                    pos += 2
        elif sid == 10:
            count, pos = leb(body, 0)
            for _ in range(count):
                size, pos = leb(body, pos)
                bodies.append(body[pos:pos + size])
                pos += size
        elif sid == 11:
            data_bytes = body
        elif sid == 0:
            n, pos = leb(body, 0)
            if body[pos:pos + n] != b'name':
                continue
            pos += n
            while pos < len(body):
                sub = body[pos]
                size, pos = leb(body, pos + 1)
                if sub == 1:
                    count, p = leb(body, pos)
                    for _ in range(count):
                        idx, p = leb(body, p)
                        n, p = leb(body, p)
                        names[idx] = body[p:p + n].decode('utf-8', 'replace')
                        p += n
                pos += size
    groups = collections.defaultdict(list)
    for i, code in enumerate(bodies):
        name = names.get(imported + i, '?')
        m = re.search(r'([a-z_][a-z_0-9]*)(?:\[[0-9a-f]+\])?((?:::[a-z_][a-z_0-9]*)*)', name)
        if m:
            parts = [m.group(1)] + [p for p in m.group(2).split('::') if p]
            key = '::'.join(parts[:depth if parts[0] == 'maillab' else 1])
        else:
            key = '(unnamed)'
        groups[key].append(code)
    groups['(data)'] = [data_bytes]
    rows = []
    for key, codes in groups.items():
        blob = b''.join(codes)
        rows.append((len(zlib.compress(blob, 9)), len(blob), len(codes), key))
    rows.sort(reverse=True)
    total_gz = sum(r[0] for r in rows)
    print(f'{"gzip":>8} {"raw":>8} {"fns":>5}  group   (gzip total of groups: {total_gz})')
    for gz, raw, count, key in rows[:60]:
        print(f'{gz:8d} {raw:8d} {count:5d}  {key}')


main()
