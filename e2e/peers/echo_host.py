#!/usr/bin/python3
"""A minimal native-messaging host: answers every request with {"request_id", "success": true, "data": {}}.

The baseline for the ping benchmark (e2e/bench/ping.mjs); not shipped. Frames are a 4-byte length in native
byte order followed by that many bytes of UTF-8 JSON.
"""
import json
import struct
import sys


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = stdin.read(4)
        if len(header) < 4:
            return
        (length,) = struct.unpack("=I", header)
        request = json.loads(stdin.read(length))
        reply = json.dumps({"request_id": request.get("request_id"), "success": True, "data": {}}).encode()
        stdout.write(struct.pack("=I", len(reply)) + reply)
        stdout.flush()


if __name__ == "__main__":
    main()
