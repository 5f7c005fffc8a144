"""What the spec runners share about .wast files: their top-level
commands, their strings, their modules as text for our own reader."""
import re


def top_level(src):
    """(line, text) of each top-level parenthesised form of a .wast,
    skipping comments and strings."""
    i, n, depth, start, line, start_line = 0, len(src), 0, 0, 1, 1
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
        elif src.startswith(";;", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        elif src.startswith("(;", i):
            nest, i = 1, i + 2
            while i < n and nest:
                if src.startswith("(;", i):
                    nest, i = nest + 1, i + 2
                elif src.startswith(";)", i):
                    nest, i = nest - 1, i + 2
                else:
                    line += src[i] == "\n"
                    i += 1
            continue
        elif c == '"':
            i += 1
            while i < n and src[i] != '"':
                line += src[i] == "\n"
                i += 2 if src[i] == "\\" else 1
        elif c == "(":
            if depth == 0:
                start, start_line = i, line
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                yield start_line, src[start:i + 1]
        i += 1


def unquote(b):
    """The bytes of a .wast string's contents (b: its bytes)."""
    out, i = bytearray(), 0
    esc = {ord("n"): 10, ord("t"): 9, ord("r"): 13, ord('"'): 34, ord("'"): 39, ord("\\"): 92}
    while i < len(b):
        if b[i] == 92 and i + 1 < len(b):
            c = b[i + 1]
            if c in esc:
                out.append(esc[c])
                i += 2
            elif c == ord("u"):
                j = b.index(b"}", i)
                out += chr(int(b[i + 3:j], 16)).encode("utf-8")
                i = j + 1
            else:
                out.append(int(b[i + 1:i + 3], 16))
                i += 3
        else:
            out.append(b[i])
            i += 1
    return bytes(out)


def module_text(text):
    """A (module ...) command as module text our reader takes: without
    its $name; a quoted module's strings decoded and joined; None for a
    binary module."""
    m = re.match(r"\(\s*module\s+(\$[^\s()]+\s+)?(binary|quote)?", text)
    if m.group(2) == "binary":
        return None
    if m.group(2) == "quote":
        b = text[m.end():].encode("utf-8", "surrogateescape")
        return b"(module " + b"".join(unquote(x) for x in re.findall(rb'"((?:[^"\\]|\\.)*)"', b)) + b")"
    body = text if not m.group(1) else text.replace(m.group(1), "", 1)
    return body.encode("utf-8", "surrogateescape")


def module_name(text):
    """The $name of a (module $name ...) command, or None."""
    m = re.match(r"\(\s*module\s+(\$[^\s()]+)", text)
    return m.group(1) if m else None
