#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace shoal {

// Lower-case hex of raw bytes.
std::string to_hex(std::string_view bytes);
// Raw bytes from hex (either case); nullopt on odd length or a non-hex digit.
std::optional<std::string> from_hex(std::string_view hex);

}  // namespace shoal
