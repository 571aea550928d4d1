// sha1_one: shoal::sha1() (the x86 SHA extensions where the CPU has them) against OpenSSL's one-shot EVP SHA-1,
// one message at a time, from an info dictionary's size to a piece's. Prints ns per hash and MB/s, the best of
// five passes each. docs/performance.md, issue 12. Run: build/bin/sha1_one
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "shoal/hash/sha1.hpp"
#include "shoal/hash/sha1_lane.hpp"

namespace {

template <class Hash>
double best_seconds(std::string& data, std::size_t reps, Hash hash) {
  double best = 1e9;
  unsigned sink = 0;
  for (int pass = 0; pass < 5; ++pass) {
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < reps; ++i) {
      data[0] = static_cast<char>(i);  // a different message each time
      sink += hash(data).bytes[0];
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  if (sink == 0xFFFFFFFF) std::puts("");  // keeps the hashes from being optimised away
  return best;
}

}  // namespace

int main() {
  std::printf("SHA extensions: %s\n", shoal::sha1_lane::available() ? "yes" : "no (both columns are OpenSSL)");
  std::printf("%10s %14s %14s %8s\n", "bytes", "sha1() ns", "OpenSSL ns", "ratio");
  for (std::size_t n : {100, 300, 1024, 16384, 1 << 20}) {
    std::string data(n, 'x');
    const std::size_t reps = std::max<std::size_t>(20, (64u << 20) / n);
    const double ours = best_seconds(data, reps, [](const std::string& d) { return shoal::sha1(d); });
    const double theirs =
        best_seconds(data, reps, [](const std::string& d) { return shoal::sha1_openssl(d.data(), d.size()); });
    std::printf("%10zu %14.0f %14.0f %7.2fx\n", n, ours / reps * 1e9, theirs / reps * 1e9, theirs / ours);
  }
}
