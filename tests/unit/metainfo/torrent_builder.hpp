#pragma once
// Builds .torrent bytes in tests with the bencode encoder.
#include <string>

#include "shoal/bencode/encode.hpp"
#include "shoal/bencode/value.hpp"

namespace shoal::test {

using bencode::dict;
using bencode::list;
using bencode::value;

inline std::string hashes(std::int64_t count) { return std::string(std::size_t(count) * 20, 'h'); }

inline dict single_info(std::int64_t length = 100, std::int64_t piece_length = 64) {
  return dict{{"name", "file.bin"},
              {"length", length},
              {"piece length", piece_length},
              {"pieces", hashes((length + piece_length - 1) / piece_length)}};
}

inline value file(std::int64_t length, list path, std::string attr = {}) {
  dict d{{"length", length}, {"path", std::move(path)}};
  if (!attr.empty()) d["attr"] = attr;
  return d;
}

inline dict multi_info(list files, std::int64_t piece_length = 64) {
  std::int64_t total = 0;
  for (const auto& f : files) {
    const value* attr = f.find("attr");
    if (attr && attr->as_string().find('l') != std::string::npos) continue;  // symlinks carry no bytes
    if (const value* l = f.find("length")) total += l->as_int();
  }
  return dict{{"name", "dir"},
              {"files", std::move(files)},
              {"piece length", piece_length},
              {"pieces", hashes((total + piece_length - 1) / piece_length)}};
}

inline std::string torrent(dict info, dict extra = {}) {
  extra["info"] = std::move(info);
  return bencode::encode(extra);
}

}  // namespace shoal::test
