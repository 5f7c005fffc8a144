"""What the benchmarks share: the machine's description for each table."""
import os
import platform


def machine():
    """Host name, CPU model, CPU count and kernel, for a table's header."""
    cpu = platform.processor() or 'unknown CPU'
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    return '%s, %s, %d CPUs, Linux %s' % (platform.node(), cpu, os.cpu_count() or 0, platform.release())


def code_size(path):
    """Bytes of the code section (id 10) of the wasm binary at path."""
    data = open(path, 'rb').read()
    i = 8
    while i < len(data):
        sid = data[i]
        i += 1
        n = shift = 0
        while True:
            b = data[i]
            i += 1
            n |= (b & 0x7f) << shift
            shift += 7
            if not b & 0x80:
                break
        if sid == 10:
            return n
        i += n
    return 0
