#!/usr/bin/env python3
# The width each column of a store segment needs (issue #26 item 3, bench/RESULTS-ingest.md
# "Session 16"): per column file, its element size, min, max, distinct values (up to 4-byte
# elements) and the bytes an offset from the segment's minimum would need (0 for a constant).
# Usage: bench/store_column_widths.py STORE/segments/seg-000001
import array, os, sys
seg = sys.argv[1]
types = {1:'B',2:'H',4:'I',8:'q'}
tot=0; const=0; narrow=0
for f in sorted(os.listdir(seg)):
    if not f.endswith('.col'): continue
    with open(os.path.join(seg,f),'rb') as fh:
        hdr = fh.read(32); es = int.from_bytes(hdr[8:12],'little'); n = int.from_bytes(hdr[16:24],'little')
        a = array.array(types[es]); a.frombytes(fh.read())
    lo, hi = min(a), max(a); distinct = len(set(a)) if es<=4 else -1
    rng = hi-lo
    need = 0 if rng==0 else (1 if rng<256 else 2 if rng<65536 else 4 if rng < 2**32 else 8)
    tot += es; narrow += need
    print(f"{f:24s} es={es} min={lo} max={hi} range={rng} need={need}B distinct={distinct}")
print("bytes/row", tot, "-> with constant columns dropped and offsets from segment min:", narrow)
