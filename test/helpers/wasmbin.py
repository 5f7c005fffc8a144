"""Pieces of the WebAssembly binary format, for the test scripts that
write modules byte by byte (test/limits/mkmod.py, test/wasm-lower/names.py,
test/fuzz/smoke.py).  Import it with the helpers directory on sys.path:

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'helpers'))
"""


def uleb(v):
    """v (>= 0) as an unsigned LEB128."""
    out = bytearray()
    while True:
        b, v = v & 0x7F, v >> 7
        out.append(b | 0x80 if v else b)
        if not v:
            return bytes(out)


def vec(items):
    """A vector: the count, then the items (bytes) one after another."""
    return uleb(len(items)) + b"".join(items)


def name(s):
    """A name: its length in bytes, then its bytes (str is UTF-8)."""
    b = s.encode() if isinstance(s, str) else s
    return uleb(len(b)) + b


def section(sid, payload):
    """A section: its id, its size, its payload."""
    return bytes([sid]) + uleb(len(payload)) + payload
