// libFuzzer: parse_request never crashes on any body, every refusal says why, and a torrent-get it accepts is
// answered (torrent_get_arguments over a sample torrent) with valid JSON.
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "shoal/rpc/request.hpp"
#include "shoal/rpc/torrent_fields.hpp"

#include "fuzz_check.hpp"

using shoal::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto call = shoal::rpc::parse_request(in);
  if (!call) {
    check(!call.message().empty());
    return 0;
  }
  const auto* get = std::get_if<shoal::rpc::torrent_get_args>(&call->args);
  if (get == nullptr) return 0;
  shoal::metainfo m;
  m.name = "sample";
  m.piece_length = 16384;
  m.total_length = 40000;
  m.piece_hashes = std::string(60, 'h');
  m.files.push_back({{"sample"}, 40000, 0});
  shoal::rpc::torrent_view v;
  v.meta = &m;
  v.status.id = 1;
  v.status.name = std::string(in.substr(0, 40));  // any bytes: the writer must keep the JSON valid
  v.status.total_bytes = 40000;
  v.details = shoal::session::torrent_details{};
  v.details->file_completed = {16384};
  v.details->peers.push_back({});
  v.details->trackers.push_back({"http://t/announce", 0, false, {}});
  std::vector<shoal::session::torrent_id> removed{3};
  const auto out = shoal::rpc::torrent_get_arguments({v}, get->fields, get->table, &removed);
  boost::system::error_code ec;
  boost::json::parse(out, ec);
  check(!ec);
  return 0;
}
