#!/usr/bin/env python3
"""Source-layout report for docs/architecture.md's "Files and methods" rules (issue 20 item 5).

    bench/source-layout.py methods [MAX_LINES] [DIR]   methods, constructors and local functions longer than MAX_LINES
                                                       (default 60), longest first, with the reason comment above each
    bench/source-layout.py types [DIR]                 files holding more than one public top-level type, or one not
                                                       named after the file

DIR defaults to src. A report, not a gate: lengths count every line from the signature to the closing brace; comments and
string contents are blanked first so that braces inside them do not count. Needs only the Python standard library.
"""
import os
import re
import sys

KEYWORDS = {'if', 'for', 'foreach', 'while', 'switch', 'using', 'lock', 'catch', 'return', 'new', 'nameof', 'typeof', 'when',
            'fixed'}
SIGNATURE = re.compile(r'^\s*(?:(?:public|private|protected|internal|static|async|override|virtual|sealed|unsafe|extern|new|'
                       r'partial|readonly)\s+)*[\w<>\[\],.?() ]*?\b(\w+)\s*(?:<[^>]*>)?\s*\(')
TYPE = re.compile(r'^(?:\[[^\]]*\]\s*)*public\s+(?:(?:static|sealed|abstract|readonly|partial|unsafe|ref|record)\s+)*'
                  r'(?:class|struct|interface|enum|record|delegate)\s+(?:(?:struct|class)\s+)?(?:[\w<>\[\],.?]+\s+(?=\w+\s*[<(]))?(\w+)',
                  re.M)


def blank(text):
    """The text with comments and the contents of string and character literals replaced by spaces (newlines kept)."""
    out, i, n = [], 0, len(text)
    spaces = lambda s: re.sub(r'[^\n]', ' ', s)
    while i < n:
        c = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
        elif text.startswith('"""', i):
            j = text.find('"""', i + 3)
            j = n if j < 0 else j + 3
            while j < n and text[j] == '"':
                j += 1
        elif c == '"' or (c in '@$' and i + 1 < n and text[i + 1] in '"@$'):
            k, verbatim = i, False
            while text[k] in '@$':
                verbatim = verbatim or text[k] == '@'
                k += 1
            j = k + 1
            while j < n:
                if not verbatim and text[j] == '\\':
                    j += 2
                    continue
                if text[j] == '"':
                    if verbatim and j + 1 < n and text[j + 1] == '"':
                        j += 2
                        continue
                    break
                j += 1
            j += 1
        elif c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == '\\' else 1
            j += 1
        else:
            out.append(c)
            i += 1
            continue
        out.append(spaces(text[i:j]))
        i = j
    return ''.join(out)


def sources(root):
    for d, _, files in os.walk(root):
        if f'{os.sep}obj' in d or f'{os.sep}bin' in d:
            continue
        for f in sorted(files):
            if f.endswith('.cs'):
                yield os.path.join(d, f)


def long_methods(root, limit):
    found = []
    for path in sources(root):
        raw = open(path, encoding='utf-8').read().split('\n')
        lines = blank('\n'.join(raw)).split('\n')
        for i, line in enumerate(lines):
            m = SIGNATURE.match(line)
            if not m or m.group(1) in KEYWORDS or line.strip().startswith('[') or \
                    re.search(r'\b(class|record|struct|interface|enum)\b', line):
                continue
            start = None
            for j in range(i, min(i + 15, len(lines))):
                if '{' in lines[j]:
                    if ';' not in lines[j][:lines[j].index('{')] and '=>' not in lines[j][:lines[j].index('{')]:
                        start = j
                    break
                if ';' in lines[j] or '=>' in lines[j]:
                    break
            if start is None:
                continue
            depth, end = 0, None
            for k in range(start, len(lines)):
                for ch in lines[k]:
                    depth += (ch == '{') - (ch == '}')
                    if ch == '}' and depth == 0:
                        end = k
                        break
                if end is not None:
                    break
            if end is not None and end - i + 1 > limit:
                above = raw[i - 1].strip() if i > 0 else ''
                reason = above[3:] if above.startswith('// ') else '(no reason given)'
                found.append((end - i + 1, f'{path}:{i + 1}', m.group(1), reason))
    for length, where, name, reason in sorted(found, reverse=True):
        print(f'{length:4d} {where} {name}: {reason}')


def types(root):
    for path in sources(root):
        names = [m.group(1) for m in TYPE.finditer(blank(open(path, encoding='utf-8').read()))]
        stem = os.path.basename(path)[:-3]
        if len(names) > 1 or (names and stem not in names):
            print(path, ' '.join(names))


if __name__ == '__main__':
    args = sys.argv[1:]
    if args[:1] == ['methods']:
        limit = int(args[1]) if len(args) > 1 else 60
        long_methods(args[2] if len(args) > 2 else 'src', limit)
    elif args[:1] == ['types']:
        types(args[1] if len(args) > 1 else 'src')
    else:
        sys.exit(__doc__)
