#include "shoal/util/rare_string.hpp"

#include <ostream>

namespace shoal {

std::ostream& operator<<(std::ostream& o, const rare_string& s) { return o << s.str(); }

}  // namespace shoal
