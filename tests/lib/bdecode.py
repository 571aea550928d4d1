"""A tiny strict bdecoder for the Python tests and test peers (stdlib only)."""


class BencodeError(ValueError):
    pass


def _decode(data, i, spans):
    if i >= len(data):
        raise BencodeError("truncated at byte %d" % i)
    c = data[i:i + 1]
    if c == b"i":
        end = data.index(b"e", i)
        return int(data[i + 1:end]), end + 1
    if c == b"l":
        i += 1
        out = []
        while data[i:i + 1] != b"e":
            v, i = _decode(data, i, None)
            out.append(v)
        return out, i + 1
    if c == b"d":
        i += 1
        out = {}
        while data[i:i + 1] != b"e":
            k, i = _decode(data, i, None)
            if not isinstance(k, bytes):
                raise BencodeError("dict key at byte %d is not a string" % i)
            start = i
            v, i = _decode(data, i, None)
            if spans is not None:
                spans[k] = (start, i)
            out[k] = v
        return out, i + 1
    if c.isdigit():
        colon = data.index(b":", i)
        n = int(data[i:colon])
        if colon + 1 + n > len(data):
            raise BencodeError("string at byte %d runs past the end" % i)
        return data[colon + 1:colon + 1 + n], colon + 1 + n
    raise BencodeError("unexpected byte %r at %d" % (c, i))


def bdecode_torrent(data):
    """Returns (top-level dict, raw bytes of the info dict)."""
    spans = {}
    try:
        top, end = _decode(data, 0, spans)
    except (ValueError, IndexError, RecursionError) as e:
        raise BencodeError("bad .torrent: %s" % e) from None
    if end != len(data) or not isinstance(top, dict) or b"info" not in spans:
        raise BencodeError("bad .torrent: not one dict with an info key")
    start, stop = spans[b"info"]
    return top, data[start:stop]


def bdecode(data):
    """One bencoded value that must fill `data` exactly."""
    try:
        value, end = _decode(data, 0, None)
    except (IndexError, RecursionError) as e:
        raise BencodeError("bad bencode: %s" % e) from None
    if end != len(data):
        raise BencodeError("trailing bytes after bencoded value")
    return value

