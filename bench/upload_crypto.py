"""What encrypting uploads at rest costs (SMPLATFORM_ENCRYPT_UPLOADS, crypto.encrypt_file):
CPU time and peak memory to encrypt and to decrypt a file of each size, against copying it.

    python bench/upload_crypto.py [--sizes 1,20,200] [--rounds 3]

Sizes in MB (20: the largest ordinary upload, 200: the largest declaration upload). Each figure
is the best of `rounds`, in process, from memory to a null sink, so that it is the cipher's
cost alone (the upload's disk or network time comes on top, with or without encryption).
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from smplatform import crypto  # noqa: E402

KEYS = crypto.KeyRing.from_dict({
    "data": {"current": "b1", "keys": {"b1": "00112233445566778899aabbccddeeff"}},
    "audit": {"current": "b1", "keys": {"b1": "a5" * 32}},
    "index": {"current": "b1", "keys": {"b1": "1d" * 32}}})


def _drain(pieces) -> int:
    return sum(len(piece) for piece in pieces)


def _copy(content: bytes) -> int:
    source = io.BytesIO(content)
    return _drain(iter(lambda: source.read(crypto.FILE_CHUNK), b""))


def _encrypt(content: bytes) -> int:
    return _drain(crypto.encrypt_file(KEYS, io.BytesIO(content), "bench-key"))


def _decrypt(sealed: bytes) -> int:
    stream = io.BytesIO(sealed)
    stream.read(len(crypto.FILE_MAGIC))
    return _drain(crypto.decrypt_file(KEYS, stream, "bench-key"))


def _measure(work, argument, rounds: int) -> tuple[float, float]:
    """(best CPU seconds, peak MB of Python allocations) of work(argument)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        work(argument)
        best = min(best, time.process_time() - started)
    tracemalloc.start()
    work(argument)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,20,200")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print("| size | copy CPU | encrypt CPU | decrypt CPU | encrypt MB/s | decrypt MB/s "
          "| stored bytes over size | peak Python memory (encrypt / decrypt) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for megabytes in (int(s) for s in args.sizes.split(",")):
        content = os.urandom(megabytes * 1024 * 1024)
        sealed = b"".join(crypto.encrypt_file(KEYS, io.BytesIO(content), "bench-key"))
        copy, _ = _measure(_copy, content, args.rounds)
        encrypt, encrypt_peak = _measure(_encrypt, content, args.rounds)
        decrypt, decrypt_peak = _measure(_decrypt, sealed, args.rounds)
        print(f"| {megabytes} MB | {copy * 1000:.0f} ms | {encrypt * 1000:.0f} ms "
              f"| {decrypt * 1000:.0f} ms | {megabytes / encrypt:.0f} | {megabytes / decrypt:.0f} "
              f"| +{len(sealed) - len(content)} B | {encrypt_peak:.1f} / {decrypt_peak:.1f} MB |")


if __name__ == "__main__":
    main()
