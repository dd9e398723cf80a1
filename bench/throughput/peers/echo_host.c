/*
 * A minimal native-messaging host in C, the upper baseline of bench/throughput: it answers every request
 * frame with {"request_id":<the request's id>,"success":true,"data":{}}. Frames are a 4-byte length in
 * native byte order followed by that many bytes of UTF-8 JSON, in both directions.
 *
 * It reads whatever the pipe holds, answers every complete frame in it, and writes all those replies with
 * one write(2). It finds the id by scanning for the "request_id" key instead of parsing JSON: it is a
 * baseline for framing and pipe costs, not a host. Build: gcc -O2 -o echo_host echo_host.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


struct buffer {
  char *bytes;
  size_t length;
  size_t capacity;
};

static void reserve(struct buffer *buffer, size_t more) {
  if (buffer->length + more <= buffer->capacity) {
    return;
  }
  size_t capacity = buffer->capacity ? buffer->capacity : 1 << 16;
  while (capacity < buffer->length + more) {
    capacity *= 2;
  }
  buffer->bytes = realloc(buffer->bytes, capacity);
  if (buffer->bytes == NULL) {
    exit(1);
  }
  buffer->capacity = capacity;
}

static void append(struct buffer *buffer, const void *bytes, size_t length) {
  reserve(buffer, length);
  memcpy(buffer->bytes + buffer->length, bytes, length);
  buffer->length += length;
}

/* The JSON value of "request_id" in body, quotes included; "null" when there is none. */
static size_t request_id(const char *body, size_t length, const char **id) {
  static const char key[] = "\"request_id\"";
  const char *end = body + length;
  const char *p = memmem(body, length, key, sizeof key - 1);
  *id = "null";
  if (p == NULL) {
    return 4;
  }
  for (p += sizeof key - 1; p < end && (*p == ' ' || *p == ':'); p++) {
  }
  if (p == end || *p != '"') {
    return 4;
  }
  const char *q = p + 1;
  while (q < end && *q != '"') {
    q += *q == '\\' ? 2 : 1;
  }
  if (q >= end) {
    return 4;
  }
  *id = p;
  return (size_t)(q + 1 - p);
}

static void answer(struct buffer *out, const char *body, uint32_t length) {
  static const char head[] = "{\"request_id\":";
  static const char tail[] = ",\"success\":true,\"data\":{}}";
  const char *id;
  size_t id_length = request_id(body, length, &id);
  uint32_t reply_length = (uint32_t)(sizeof head - 1 + id_length + sizeof tail - 1);
  append(out, &reply_length, sizeof reply_length);
  append(out, head, sizeof head - 1);
  append(out, id, id_length);
  append(out, tail, sizeof tail - 1);
}

static int write_all(const char *bytes, size_t length) {
  while (length > 0) {
    ssize_t written = write(STDOUT_FILENO, bytes, length);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return -1;
    }
    bytes += written;
    length -= (size_t)written;
  }
  return 0;
}

int main(void) {
  struct buffer in = {0}, out = {0};
  size_t wanted = 1 << 16;
  for (;;) {
    reserve(&in, wanted);
    ssize_t got = read(STDIN_FILENO, in.bytes + in.length, in.capacity - in.length);
    if (got == 0) {
      return 0;
    }
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return 1;
    }
    in.length += (size_t)got;
    size_t at = 0;
    wanted = 1;
    while (in.length - at >= 4) {
      uint32_t length;
      memcpy(&length, in.bytes + at, sizeof length);
      if (in.length - at - 4 < length) {
        wanted = 4 + (size_t)length - (in.length - at);
        break;
      }
      answer(&out, in.bytes + at + 4, length);
      at += 4 + (size_t)length;
    }
    memmove(in.bytes, in.bytes + at, in.length - at);
    in.length -= at;
    if (out.length > 0) {
      if (write_all(out.bytes, out.length) < 0) {
        return 1;
      }
      out.length = 0;
    }
  }
}
