find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

if(SHOAL_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Each function in its own section, so that the linker drops the ones nothing calls: a daemon's resident code is
# the pages its running functions touch, fewer when the dead ones are not interleaved with them.
if(NOT SHOAL_SANITIZE AND NOT SHOAL_FUZZ)
  add_compile_options(-ffunction-sections -fdata-sections)
  add_link_options(-Wl,--gc-sections)
endif()

function(shoal_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
endfunction()

# Every .cpp under src/<module>/ (not recursing into nested modules listed separately).
function(shoal_glob_sources out)
  set(files)
  foreach(module ${ARGN})
    file(GLOB module_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/${module}/*.cpp)
    list(APPEND files ${module_files})
  endforeach()
  set(${out} ${files} PARENT_SCOPE)
endfunction()
