#pragma once
// Shared by the unit tests of every module: a scratch folder per test, hand-built torrents over known
// content (a metainfo for storage tests, .torrent bytes for parser tests).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "shoal/bencode/encode.hpp"
#include "shoal/bencode/value.hpp"
#include "shoal/hash/sha1.hpp"
#include "shoal/metainfo/metainfo.hpp"

namespace shoal::test {

struct file_spec {
  std::string path;  // below the torrent name, '/'-separated
  std::int64_t length;
  bool pad = false;
};

// The torrent's byte stream: pad files zero, other bytes a position-dependent pattern.
inline std::string content_of(const std::vector<file_spec>& files) {
  std::string out;
  for (const auto& f : files)
    for (std::int64_t i = 0; i < f.length; ++i)
      out += f.pad ? '\0' : static_cast<char>('A' + (out.size() * 7 + out.size() / 251) % 53);
  return out;
}

// Multi-file unless there is exactly one file named like the torrent ("" path).
inline metainfo make_torrent(const std::string& name, const std::vector<file_spec>& files, std::int64_t piece_length) {
  metainfo m;
  m.name = name;
  m.piece_length = piece_length;
  m.multi_file = !(files.size() == 1 && files[0].path.empty());
  std::int64_t offset = 0;
  for (const auto& spec : files) {
    file_entry f;
    f.components.push_back(name);
    for (std::size_t at = 0; m.multi_file && at <= spec.path.size();) {
      const auto slash = std::min(spec.path.find('/', at), spec.path.size());
      f.components.push_back(spec.path.substr(at, slash - at));
      at = slash + 1;
    }
    f.length = spec.length;
    f.offset = offset;
    f.pad = spec.pad;
    if (spec.pad) f.attributes = "p";
    offset += spec.length;
    m.files.push_back(std::move(f));
  }
  m.total_length = offset;
  const std::string data = content_of(files);
  for (std::int64_t at = 0; at < offset; at += piece_length)
    m.piece_hashes += sha1(std::string_view(data).substr(static_cast<std::size_t>(at),
                                                         static_cast<std::size_t>(piece_length))).str();
  return m;
}

inline std::span<const std::byte> bytes_of(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A fresh folder per test under the system temp dir (named for the test, unique by mkdtemp), removed afterwards.
class scratch_dir : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "shoal_" + std::string(info->test_suite_name()) + "_" + info->name() + "_";
    for (char& c : name) if (c == '/') c = '_';  // parameterized tests: keep the folder one level deep
    std::string tmpl = (std::filesystem::temp_directory_path() / (name + "XXXXXX")).string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir = tmpl;
    root = dir / "out";
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path dir;   // per-test, removed afterwards
  std::filesystem::path root;  // an output folder inside dir (not created)
};

// ---- .torrent bytes built with the bencode encoder ----

using bencode::dict;
using bencode::list;
using bencode::value;

inline std::string hashes(std::int64_t count) { return std::string(std::size_t(count) * 20, 'h'); }

inline dict single_info(std::int64_t length = 100, std::int64_t piece_length = 64) {
  return dict{{"name", "file.bin"},
              {"length", length},
              {"piece length", piece_length},
              {"pieces", hashes(block_geometry::pieces_for(length, piece_length))}};
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
              {"pieces", hashes(block_geometry::pieces_for(total, piece_length))}};
}

inline std::string torrent(dict info, dict extra = {}) {
  extra["info"] = std::move(info);
  return bencode::encode(extra);
}

}  // namespace shoal::test
