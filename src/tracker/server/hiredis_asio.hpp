#pragma once
// Drives a hiredis asynchronous context from an Asio executor: hiredis says when it
// wants to read or write its socket (addRead, delWrite, ...), and we wait for the
// socket to become ready with stream_descriptor::async_wait and call it back.
#include <hiredis/async.h>

#include <boost/asio/any_io_executor.hpp>

namespace shoal::tracker {

// Attaches `ac` to `executor` (a strand: every hiredis call must come from it). The
// attachment lives until hiredis cleans up the context (redisAsyncFree, a disconnect).
// Returns false when `ac` already has an event library.
bool attach_hiredis(redisAsyncContext* ac, const boost::asio::any_io_executor& executor);

}  // namespace shoal::tracker
