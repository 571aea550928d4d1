# libFuzzer targets: tests/fuzz/fuzz_NAME.cpp -> bin/fuzz_NAME, each linked with the pure modules.
# Configure with CXX=clang++ -DSHOAL_FUZZ=ON; ctest runs each for SHOAL_FUZZ_SECONDS.
set(SHOAL_FUZZ_SECONDS 20 CACHE STRING "Seconds each fuzz target runs under ctest")
foreach(module ${SHOAL_PURE_MODULES})
  shoal_target_name(target ${module})
  target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
endforeach()
enable_testing()
# Targets over one pure file of a shell module: that file compiled in, with the library it needs.
find_package(Boost 1.81 CONFIG REQUIRED COMPONENTS json)
set(SHOAL_FUZZ_EXTRA_fuzz_config ${CMAKE_CURRENT_SOURCE_DIR}/src/daemon/config.cpp)
set(SHOAL_FUZZ_LIBS_fuzz_config Boost::json)
# The DHT state file (dht/, a shell module whose state codec is pure).
set(SHOAL_FUZZ_EXTRA_fuzz_dht_state ${CMAKE_CURRENT_SOURCE_DIR}/src/dht/node_state.cpp)
# The RPC request parser and the torrent-get writer (rpc/, a shell module whose parsing and writing are pure).
set(SHOAL_FUZZ_EXTRA_fuzz_rpc_request
  ${CMAKE_CURRENT_SOURCE_DIR}/src/rpc/request.cpp ${CMAKE_CURRENT_SOURCE_DIR}/src/rpc/base64.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/rpc/torrent_fields.cpp ${CMAKE_CURRENT_SOURCE_DIR}/src/rpc/json_writer.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/session/torrent_status.cpp ${CMAKE_CURRENT_SOURCE_DIR}/src/session/torrent_state.cpp)
set(SHOAL_FUZZ_LIBS_fuzz_rpc_request Boost::json)
file(GLOB fuzz_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz/fuzz_*.cpp)
foreach(src ${fuzz_sources})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${name} PRIVATE shoal_pure ${SHOAL_FUZZ_LIBS_${name}})
  if(DEFINED SHOAL_FUZZ_EXTRA_${name})
    target_sources(${name} PRIVATE ${SHOAL_FUZZ_EXTRA_${name}})
  endif()
  set(corpus ${CMAKE_CURRENT_BINARY_DIR}/corpus/${name})
  set(seeds ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz/corpus/${name})
  file(MAKE_DIRECTORY ${corpus})
  if(EXISTS ${seeds})
    set(seed_arg ${seeds})
  else()
    set(seed_arg)
  endif()
  add_test(NAME ${name}
    COMMAND ${name} -max_total_time=${SHOAL_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048
            -print_final_stats=1 ${corpus} ${seed_arg})
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT 600)
endforeach()
