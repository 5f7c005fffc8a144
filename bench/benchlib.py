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
