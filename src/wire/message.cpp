#include "shoal/wire/message.hpp"

namespace shoal::wire {

std::string_view to_string(message_id id) noexcept {
  switch (id) {
    case message_id::choke: return "choke";
    case message_id::unchoke: return "unchoke";
    case message_id::interested: return "interested";
    case message_id::not_interested: return "not interested";
    case message_id::have: return "have";
    case message_id::bitfield: return "bitfield";
    case message_id::request: return "request";
    case message_id::piece: return "piece";
    case message_id::cancel: return "cancel";
    case message_id::port: return "port";
    case message_id::suggest: return "suggest piece";
    case message_id::have_all: return "have all";
    case message_id::have_none: return "have none";
    case message_id::reject: return "reject request";
    case message_id::allowed_fast: return "allowed fast";
    case message_id::extended: return "extended";
  }
  return "unknown";
}

}  // namespace shoal::wire
